/**
 * A message is a plain object tagged with its type. On a local send the object itself is handed to the handler;
 * across processes the same object is encoded as the FlatBuffers table registered under `type` (see
 * `MessageRegistry`), and decoded back into an object of the same shape, so a handler never knows which path its
 * message took.
 */
export interface Message {
  readonly type: string;
}
