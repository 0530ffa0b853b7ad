/** Slots an empty table starts with, and goes back to once it empties after growing past SHRINK_ABOVE. */
const INITIAL_SLOTS = 64;
const SHRINK_ABOVE = 1 << 16;

/**
 * Waiting asks by correlation id. Ids are handed out in sequence, so an array indexed by the id's low bits holds
 * them without collisions as long as the asks waiting at once are fewer than the slots, which grow to twice their
 * number: opening and settling an ask writes a slot, where a Map allocates as its hash table fills with deleted
 * entries and is rebuilt. An ask whose slot is still taken by an older one (a long deadline among many short asks)
 * waits in `overflow` instead.
 */
export class AskSlots<T extends { readonly id: number }> {
  private slots: (T | undefined)[] = new Array<T | undefined>(INITIAL_SLOTS).fill(undefined);
  private mask = INITIAL_SLOTS - 1;
  private readonly overflow = new Map<number, T>();
  size = 0;

  get(id: number): T | undefined {
    const item = this.slots[id & this.mask];
    if (item !== undefined && item.id === id) return item;
    return this.overflow.size === 0 ? undefined : this.overflow.get(id);
  }

  /** Adds an item whose id is not in the table. */
  add(item: T): void {
    if (this.size >= (this.mask + 1) >> 1) this.resize((this.mask + 1) * 2);
    this.place(item);
    this.size++;
  }

  /** Removes an item that is in the table. */
  delete(item: T): void {
    const at = item.id & this.mask;
    if (this.slots[at] === item) this.slots[at] = undefined;
    else this.overflow.delete(item.id);
    // A burst of asks waiting at once grew the slots; keeping them would hold that memory for good.
    if (--this.size === 0 && this.mask >= SHRINK_ABOVE) this.resize(INITIAL_SLOTS);
  }

  /** Every item, in no particular order; a copy, so items may be deleted while it is walked. */
  values(): T[] {
    const all: T[] = [];
    for (const item of this.slots) if (item !== undefined) all.push(item);
    for (const item of this.overflow.values()) all.push(item);
    return all;
  }

  private place(item: T): void {
    const at = item.id & this.mask;
    if (this.slots[at] === undefined) this.slots[at] = item;
    else this.overflow.set(item.id, item);
  }

  private resize(capacity: number): void {
    const all = this.values();
    this.slots = new Array<T | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
    this.overflow.clear();
    for (const item of all) this.place(item);
  }
}
