import type { Message } from '@packetflow/protocol';
import type { ActorRef } from './actor-ref.js';

const STRIDE = 3;

/**
 * FIFO ring of (message, sender, reply id) triples in one flat array, so a queued message costs three slots and no
 * wrapper object. Reply id 0 marks a tell. `shift()` leaves the sender and reply id of the message it returns in
 * `sender`/`replyId` rather than allocating a tuple.
 */
export class Mailbox {
  private slots: unknown[];
  private head = 0;
  private mask: number;
  count = 0;
  sender: ActorRef | undefined = undefined;
  replyId = 0;

  constructor(capacity: number) {
    this.slots = new Array<unknown>(capacity * STRIDE).fill(undefined);
    this.mask = capacity - 1;
  }

  get capacity(): number {
    return this.mask + 1;
  }

  push(message: Message, sender: ActorRef | undefined, replyId: number): void {
    if (this.count > this.mask) this.grow();
    const at = ((this.head + this.count) & this.mask) * STRIDE;
    const slots = this.slots;
    slots[at] = message;
    slots[at + 1] = sender;
    slots[at + 2] = replyId;
    this.count++;
  }

  /** Only call when `count > 0`. */
  shift(): Message {
    const at = this.head * STRIDE;
    const slots = this.slots;
    const message = slots[at] as Message;
    this.sender = slots[at + 1] as ActorRef | undefined;
    this.replyId = slots[at + 2] as number;
    slots[at] = undefined;
    slots[at + 1] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.count--;
    return message;
  }

  private grow(): void {
    const capacity = this.mask + 1;
    const next = new Array<unknown>(capacity * 2 * STRIDE).fill(undefined);
    const slots = this.slots;
    for (let i = 0; i < this.count; i++) {
      const from = ((this.head + i) & this.mask) * STRIDE;
      const to = i * STRIDE;
      next[to] = slots[from];
      next[to + 1] = slots[from + 1];
      next[to + 2] = slots[from + 2];
    }
    this.slots = next;
    this.head = 0;
    this.mask = capacity * 2 - 1;
  }
}

/** Growable FIFO ring; the system's run queue of actors with pending messages. */
export class RingQueue<T> {
  private items: (T | undefined)[];
  private head = 0;
  private mask: number;
  size = 0;

  constructor(capacity: number) {
    this.items = new Array<T | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
  }

  push(item: T): void {
    if (this.size > this.mask) this.grow();
    this.items[(this.head + this.size) & this.mask] = item;
    this.size++;
  }

  /** Only call when `size > 0`. */
  shift(): T {
    const item = this.items[this.head] as T;
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.size--;
    return item;
  }

  private grow(): void {
    const capacity = this.mask + 1;
    const next = new Array<T | undefined>(capacity * 2).fill(undefined);
    for (let i = 0; i < this.size; i++) next[i] = this.items[(this.head + i) & this.mask];
    this.items = next;
    this.head = 0;
    this.mask = capacity * 2 - 1;
  }
}
