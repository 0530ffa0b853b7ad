// The SDK's events: plain callbacks, each registration returning its own removal.

/** A set of callbacks for one event. */
export class Listeners<Args extends unknown[]> {
  private readonly callbacks = new Set<(...args: Args) => void>();

  /** Adds a callback; the returned function removes it. */
  add(callback: (...args: Args) => void): () => void {
    // A wrapper per registration, so adding the same function twice means two calls and two removals.
    const entry = (...args: Args): void => callback(...args);
    this.callbacks.add(entry);
    return () => {
      this.callbacks.delete(entry);
    };
  }

  emit(...args: Args): void {
    for (const callback of this.callbacks) callback(...args);
  }
}
