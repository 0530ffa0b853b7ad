/** Size limits a receiver enforces on bytes from outside. Every one of them is checked before a read. */
export interface Limits {
  /** Largest frame (one batch) accepted, in bytes, length prefix excluded. */
  maxFrameBytes: number;
  /** Most packets in one batch. */
  maxPacketsPerBatch: number;
  /** Largest message body, in bytes. */
  maxBodyBytes: number;
  /** Longest actor kind, id, node id or message type, in UTF-8 bytes. */
  maxNameBytes: number;
  /** Longest string inside a message body, in UTF-8 bytes. */
  maxStringBytes: number;
  /** Most elements in one vector inside a message body. */
  maxVectorLength: number;
  /** Deepest nesting of tables. */
  maxDepth: number;
  /** Most tables visited while verifying one buffer, each table of a vector counting, and a shared one each time. */
  maxTables: number;
}

export const defaultLimits: Readonly<Limits> = Object.freeze({
  maxFrameBytes: 1 << 20,
  maxPacketsPerBatch: 8192,
  maxBodyBytes: 64 * 1024,
  maxNameBytes: 255,
  maxStringBytes: 16 * 1024,
  maxVectorLength: 16 * 1024,
  maxDepth: 16,
  maxTables: 64 * 1024,
});
