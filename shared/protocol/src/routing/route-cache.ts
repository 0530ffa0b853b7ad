/**
 * Remembers the owner of recently routed keys, per kind, so the common case of delivery is two Map lookups.
 * Bounded: past `capacity` entries of one kind the oldest entry is dropped. Cleared whenever membership changes.
 */
export class RouteCache<V> {
  private readonly byKind = new Map<string, Map<string, V>>();
  hits = 0;
  misses = 0;

  constructor(private readonly capacity: number) {}

  get(kind: string, id: string): V | undefined {
    const value = this.byKind.get(kind)?.get(id);
    if (value === undefined) this.misses++;
    else this.hits++;
    return value;
  }

  set(kind: string, id: string, value: V): void {
    let ids = this.byKind.get(kind);
    if (!ids) {
      ids = new Map();
      this.byKind.set(kind, ids);
    }
    if (ids.size >= this.capacity) ids.delete(ids.keys().next().value!);
    ids.set(id, value);
  }

  clear(): void {
    this.byKind.clear();
  }

  get size(): number {
    let size = 0;
    for (const ids of this.byKind.values()) size += ids.size;
    return size;
  }
}
