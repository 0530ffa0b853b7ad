import type { Message } from '@packetflow/protocol';
import type { ActorRef } from './actor-ref.js';

const STRIDE = 2;
/** Capacity (in messages) of a mailbox's first segment; each further segment doubles, up to `LARGEST`. */
const SMALLEST = 4;
/** 4096 messages = 8,192 slots: under the size V8 moves to the (much slower to allocate) large-object space. */
const LARGEST = 4096;
/** The pool keeps, per segment size, segments totalling at most this many messages (about 1.5 MB). */
const POOL_ENTRIES_PER_SIZE = 1 << 16;

/** Sender and reply id together: needed only for an ask made from inside an actor, which allocates anyway. */
class SenderAndReply {
  readonly sender: ActorRef;
  readonly replyId: number;

  constructor(sender: ActorRef, replyId: number) {
    this.sender = sender;
    this.replyId = replyId;
  }
}

class Segment {
  readonly slots: unknown[];
  next: Segment | null = null;

  constructor(capacity: number) {
    this.slots = new Array<unknown>(capacity * STRIDE).fill(undefined);
  }
}

/**
 * Segments that mailboxes drained, by log2 of their capacity. Recycling them keeps a burst of messages from
 * allocating; what a burst does allocate comes in segments small enough for the young generation.
 */
const freeSegments: Segment[][] = [];

function takeSegment(capacity: number): Segment {
  return freeSegments[Math.log2(capacity)]?.pop() ?? new Segment(capacity);
}

function giveSegment(segment: Segment): void {
  const capacity = segment.slots.length / STRIDE;
  const log = Math.log2(capacity);
  let list = freeSegments[log];
  if (list === undefined) {
    list = [];
    freeSegments[log] = list;
  }
  segment.next = null;
  if ((list.length + 1) * capacity <= POOL_ENTRIES_PER_SIZE) list.push(segment);
}

/**
 * FIFO of messages stored flat in a chain of segments, two slots per message and no wrapper object; growing never
 * copies. The second slot holds what else the receiver needs: nothing for a tell from outside, the sender's ref
 * for a tell from an actor, the reply id (a small integer; 0 means tell) for an ask, or both together. `shift()`
 * leaves the sender and reply id of the message it returns in `sender`/`replyId` rather than allocating a tuple.
 */
export class Mailbox {
  private head: Segment = takeSegment(SMALLEST);
  private tail: Segment = this.head;
  /** Slot index of the next message to shift, in `head`. */
  private read = 0;
  /** Slot index where the next push goes, in `tail`. */
  private write = 0;
  count = 0;
  sender: ActorRef | undefined = undefined;
  replyId = 0;

  push(message: Message, sender: ActorRef | undefined, replyId: number): void {
    let slots = this.tail.slots;
    let at = this.write;
    if (at === slots.length) {
      const next = takeSegment(Math.min((slots.length / STRIDE) * 2, LARGEST));
      this.tail.next = next;
      this.tail = next;
      slots = next.slots;
      at = 0;
    }
    slots[at] = message;
    slots[at + 1] = replyId === 0 ? sender : sender === undefined ? replyId : new SenderAndReply(sender, replyId);
    this.write = at + STRIDE;
    this.count++;
  }

  /** Only call when `count > 0`. */
  shift(): Message {
    let head = this.head;
    let at = this.read;
    if (at === head.slots.length) {
      const next = head.next as Segment;
      giveSegment(head);
      this.head = head = next;
      at = 0;
    }
    const slots = head.slots;
    const message = slots[at] as Message;
    const meta = slots[at + 1];
    if (meta === undefined) {
      this.sender = undefined;
      this.replyId = 0;
    } else if (typeof meta === 'number') {
      this.sender = undefined;
      this.replyId = meta;
    } else if (meta instanceof SenderAndReply) {
      this.sender = meta.sender;
      this.replyId = meta.replyId;
    } else {
      this.sender = meta as ActorRef;
      this.replyId = 0;
    }
    slots[at] = undefined;
    slots[at + 1] = undefined;
    if (--this.count === 0) {
      // Empty: head and tail are the same segment; start over at its beginning.
      this.read = 0;
      this.write = 0;
    } else {
      this.read = at + STRIDE;
    }
    return message;
  }

  /** Call when empty, before the mailbox is reused: hands a grown segment back to the pool. */
  shrink(): void {
    this.sender = undefined;
    if (this.head.slots.length === SMALLEST * STRIDE) return;
    giveSegment(this.head);
    this.head = this.tail = takeSegment(SMALLEST);
  }
}

/** Capacity above which an emptied ring goes back to its first size: 512 KiB of slots. */
const SHRINK_ABOVE = 1 << 16;

/** Growable FIFO ring; the system's run queue of actors with pending messages. */
export class RingQueue<T> {
  private items: (T | undefined)[];
  private head = 0;
  private mask: number;
  size = 0;
  private readonly initialCapacity: number;

  constructor(capacity: number) {
    this.initialCapacity = capacity;
    this.items = new Array<T | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
  }

  /**
   * Once empty, gives back what a burst grew: a million first messages told in one loop queue a million actors,
   * and a ring kept at that size would hold 8 MB for good. Rings up to SHRINK_ABOVE stay as they are, so a steady
   * load that fills a few thousand slots per drain does not regrow them every time.
   */
  shrinkIfEmpty(): void {
    if (this.size !== 0 || this.mask < SHRINK_ABOVE) return;
    this.items = new Array<T | undefined>(this.initialCapacity).fill(undefined);
    this.head = 0;
    this.mask = this.initialCapacity - 1;
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
