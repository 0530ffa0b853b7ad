// What the floor server and its bots send each other: the least a game's traffic can be, with just enough in it
// for the swarm's ack-latency machinery (the bot's last input sequence, echoed back).

/** A bot's input: sequence (u32) and move x, y (f32), little-endian. */
export const INPUT_BYTES = 12;
/** The server's message to each client every tick: about a PacketFlow snapshot's size for a match of 8 players. */
export const STATE_BYTES = 300;
/** Clients that share one tick timer, as the players of one match do. */
export const ROOM_SIZE = 8;
export const TICK_RATE = 30;

export function encodeInput(seq: number, x: number, y: number): Uint8Array {
  const bytes = new Uint8Array(INPUT_BYTES);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, seq, true);
  view.setFloat32(4, x, true);
  view.setFloat32(8, y, true);
  return bytes;
}

/** The input's sequence, or undefined when the message is not an input. */
export function inputSequence(message: ArrayBuffer): number | undefined {
  if (message.byteLength !== INPUT_BYTES) return undefined;
  return new DataView(message).getUint32(0, true);
}

/** Writes the acknowledged sequence into a state message. */
export function stampAck(state: ArrayBuffer, ackedSeq: number): void {
  new DataView(state).setUint32(0, ackedSeq, true);
}

/** The acknowledged sequence a state message carries, or undefined when it is not one. */
export function ackOf(message: Uint8Array): number | undefined {
  if (message.byteLength !== STATE_BYTES) return undefined;
  return new DataView(message.buffer, message.byteOffset, message.byteLength).getUint32(0, true);
}
