// One uWebSockets.js topic per room, so a match's snapshot reaches every client of its room through one publish:
// uWS writes the frame to each subscriber from C++, where Colyseus' broadcast makes one JavaScript send per client.

import type { TemplatedApp, WebSocket } from 'uWebSockets.js';
import { type Client, ClientState, getMessageBytes, Protocol } from '@colyseus/core';
import { socketOf } from '../transport/client-socket.js';

/** The part of the transport's uWS app that publishes: the app every client's socket was opened on. */
export type Publisher = Pick<TemplatedApp, 'publish'>;

/** Topics are per room, not per match: a room discarded as a duplicate may live beside the one kept for its match. */
let lastTopic = 0;

/**
 * Sends byte messages of one type to a room's clients as Colyseus' `broadcastBytes` would: the same frame (its
 * protocol code, the type, the body), to a client that finished joining at once, to one still joining once it has
 * (Colyseus queues the frame on the client). A client joined is subscribed to the room's topic on the first send
 * after its join, and taken off it when it leaves the room (`leave`, from the room's onDrop and onLeave), so only
 * the room's clients receive it; uWS takes a closed socket off its topics itself.
 */
export class RoomFanout {
  private readonly topic = `room-${++lastTopic}`;
  private readonly subscribed = new Set<WebSocket<unknown>>();
  private readonly headerBytes: number;
  /** The frame being sent, reused: uWS copies what it publishes. */
  private frame: Uint8Array;

  constructor(
    private readonly publisher: Publisher,
    type: string,
  ) {
    const header = getMessageBytes.raw(Protocol.ROOM_DATA_BYTES, type, undefined, new Uint8Array(0));
    this.headerBytes = header.byteLength;
    this.frame = new Uint8Array(1024);
    this.frame.set(header);
  }

  /** The bytes each client receives for a body of `bodyBytes`. */
  frameBytes(bodyBytes: number): number {
    return this.headerBytes + bodyBytes;
  }

  send(clients: readonly Client[], body: Uint8Array): void {
    const length = this.headerBytes + body.byteLength;
    if (this.frame.byteLength < length) {
      const grown = new Uint8Array(Math.max(length, 2 * this.frame.byteLength));
      grown.set(this.frame.subarray(0, this.headerBytes));
      this.frame = grown;
    }
    this.frame.set(body, this.headerBytes);
    const frame = this.frame.subarray(0, length);
    for (let i = 0; i < clients.length; i++) {
      const client = clients[i]!;
      if (client.state === ClientState.JOINED) this.subscribe(client);
      // Queued until the client's join completes, as the frame would be by Colyseus' broadcast; a copy, since the
      // frame is written over by the next send.
      else client.enqueueRaw(frame.slice());
    }
    this.publisher.publish(this.topic, frame, true, false);
  }

  /** Takes a client that left the room (or dropped, and may come back on another socket) off the room's topic. */
  leave(client: Client): void {
    const socket = socketOf(client);
    if (socket === undefined || !this.subscribed.delete(socket)) return;
    try {
      socket.unsubscribe(this.topic);
    } catch {
      // A closed socket: uWS took it off its topics as it closed.
    }
  }

  private subscribe(client: Client): void {
    const socket = socketOf(client);
    if (socket === undefined || this.subscribed.has(socket)) return;
    try {
      socket.subscribe(this.topic);
      this.subscribed.add(socket);
    } catch {
      // Closed under a client not yet told (its close event is on its way): the room's onDrop or onLeave follows.
    }
  }
}
