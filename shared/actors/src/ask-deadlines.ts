/** The longest delay setTimeout takes as given. */
const MAX_DELAY_MS = 0x7fffffff;

/** What the deadline lists link: an ask's own record, so that tracking its deadline allocates nothing. */
export interface Deadline<T> {
  prev: T | null;
  next: T | null;
  /** performance.now() at which it expires. */
  readonly deadline: number;
  readonly timeoutMs: number;
}

/** Items of one timeout, oldest first: opened in order under the same timeout, they expire in that order too. */
class DeadlineList<T> {
  head: T | null = null;
  tail: T | null = null;
}

/**
 * The deadlines of waiting asks, behind one timer. Asks are linked into a list per timeout length, so adding and
 * removing one is a few pointer writes; the timer is armed for the earliest deadline and left alone when that ask
 * is answered, firing at most once per timeout length in a steady stream of answered asks, where a timer per ask
 * costs a `setTimeout` and a `clearTimeout` each. It keeps the process alive only while some ask waits, as the
 * per-ask timers did. An ask never expires before its deadline, and expires as soon after it as a timer of its own
 * would fire (setTimeout's whole milliseconds).
 */
export class AskDeadlines<T extends Deadline<T>> {
  private readonly lists = new Map<number, DeadlineList<T>>();
  private timer: NodeJS.Timeout | undefined;
  /** When the armed timer is due; Infinity when none is armed. */
  private due = Infinity;
  private count = 0;
  private refed = false;
  private readonly fire = () => this.expireDue();

  constructor(private readonly onExpire: (item: T) => void) {}

  add(item: T): void {
    let list = this.lists.get(item.timeoutMs);
    if (list === undefined) {
      list = new DeadlineList<T>();
      this.lists.set(item.timeoutMs, list);
    }
    item.prev = list.tail;
    item.next = null;
    if (list.tail === null) list.head = item;
    else list.tail.next = item;
    list.tail = item;
    this.count++;
    if (item.deadline < this.due) this.arm(item.deadline);
    else if (!this.refed) this.ref(true);
  }

  /** Unlinks an item that has not expired (an answered or failed ask). */
  remove(item: T): void {
    const list = this.lists.get(item.timeoutMs)!;
    this.unlink(list, item);
    // The timer stays armed for what may have been this item's deadline: when it fires, it finds nothing due and
    // arms itself for the next one. Clearing and re-arming here would cost what one timer per ask costs.
    if (--this.count === 0) this.ref(false);
  }

  /** Forgets the timer once nothing waits (a system shutting down), so that it does not linger until it is due. */
  stopIfIdle(): void {
    if (this.count > 0 || this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.due = Infinity;
    this.lists.clear();
  }

  private unlink(list: DeadlineList<T>, item: T): void {
    if (item.prev === null) list.head = item.next;
    else item.prev.next = item.next;
    if (item.next === null) list.tail = item.prev;
    else item.next.prev = item.prev;
    item.prev = null;
    item.next = null;
  }

  private expireDue(): void {
    this.timer = undefined;
    this.due = Infinity;
    this.refed = false;
    const now = performance.now();
    let next = Infinity;
    for (const [timeoutMs, list] of this.lists) {
      for (let item = list.head; item !== null && item.deadline <= now; item = list.head) {
        this.unlink(list, item);
        this.count--;
        this.onExpire(item);
      }
      if (list.head === null) this.lists.delete(timeoutMs);
      else if (list.head.deadline < next) next = list.head.deadline;
    }
    // An expiry handler may have added an ask, and with it a timer: keep whichever is due first.
    if (next < this.due) this.arm(next);
    else if (this.count === 0) this.ref(false);
  }

  private arm(due: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.due = due;
    // setTimeout counts whole milliseconds from a clock that may lag: a timer that fires early re-arms itself. It
    // also takes a delay past 2^31 - 1 ms for 1 ms, which would fire it every millisecond until such a deadline.
    this.timer = setTimeout(this.fire, Math.min(MAX_DELAY_MS, Math.max(1, Math.ceil(due - performance.now()))));
    this.refed = true;
    if (this.count === 0) this.ref(false);
  }

  private ref(on: boolean): void {
    if (this.timer === undefined || this.refed === on) return;
    this.refed = on;
    if (on) this.timer.ref();
    else this.timer.unref();
  }
}
