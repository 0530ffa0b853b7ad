import type { Address } from '../address.js';
import { PacketFlags } from '../generated/packet-flow/wire/packet-flags.js';

export { PacketFlags };

/** One envelope as the runtime handles it: decoded addresses and type, the body left as FlatBuffers bytes. */
export interface Packet {
  target: Address;
  sender?: Address | undefined;
  /** The message type: the name of the table in `body`. */
  type: string;
  /** Non-zero for asks and their replies. */
  correlationId: number;
  /** A bit set of PacketFlags. */
  flags: number;
  /** Milliseconds left until the sender stops waiting; 0 means none. */
  ttlMs: number;
  /** The message table as a complete FlatBuffer; a view into the frame it arrived in, not a copy. */
  body: Uint8Array;
}
