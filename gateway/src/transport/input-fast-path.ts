// Player inputs are most of what clients send (20 a second each) and each one took Colyseus' whole dispatch: a copy
// of the frame, two event emitters, the room's message counting, the type decoded into a fresh string and looked up
// under another. Frames of the input type from a seated client go straight to its room's handler instead; every
// other frame, and any input frame of a socket no room has routed, still goes through Colyseus.
import { type Client, ClientState, getMessageBytes, Protocol } from '@colyseus/core';
import { socketOf } from './client-socket.js';

/** Handles one input's bytes: a view over the transport's buffer, valid only during the call. */
export type InputHandler = (bytes: Uint8Array) => void;

export class InputFastPath {
  /** Input frames handed to rooms (`packetflow_gateway_inputs_fast_path_total`). */
  routed = 0;
  private readonly routes = new WeakMap<object, { client: Client; handle: InputHandler }>();
  private readonly header: Uint8Array;

  /** `type`: the byte message type of inputs (ClientMessage.Input). */
  constructor(type: string) {
    this.header = getMessageBytes.raw(Protocol.ROOM_DATA_BYTES, type, undefined, new Uint8Array(0));
  }

  /** From now on, input frames on the client's socket go to `handle` while the client is not leaving. */
  route(client: Client, handle: InputHandler): void {
    const socket = socketOf(client);
    if (socket !== undefined) this.routes.set(socket, { client, handle });
  }

  /** The client's socket goes back to Colyseus' dispatch alone (it left, dropped or was replaced). */
  forget(client: Client): void {
    const socket = socketOf(client);
    if (socket !== undefined && this.routes.get(socket)?.client === client) this.routes.delete(socket);
  }

  /** Handles `message` when it is an input frame on a routed socket; false leaves it to Colyseus. */
  take(socket: object, message: ArrayBuffer): boolean {
    const route = this.routes.get(socket);
    const { header } = this;
    if (route === undefined || message.byteLength < header.length || route.client.state === ClientState.LEAVING) {
      return false;
    }
    const bytes = new Uint8Array(message);
    for (let i = 0; i < header.length; i++) if (bytes[i] !== header[i]) return false;
    this.routed++;
    route.handle(bytes.subarray(header.length));
    return true;
  }
}
