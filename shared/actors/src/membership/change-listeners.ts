import type { Logger } from '../behavior.js';
import type { MemberInfo } from './membership.js';

type ChangeListener = (members: readonly MemberInfo[]) => void;

/** The `onChange` subscribers of one membership; a listener that throws is logged and does not stop the others. */
export class ChangeListeners {
  private readonly listeners = new Set<ChangeListener>();

  constructor(private readonly logger: Logger) {}

  add(listener: ChangeListener): () => void {
    // A wrapper per subscription, so the same function subscribed twice unsubscribes independently.
    const entry: ChangeListener = (members) => listener(members);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  notify(members: readonly MemberInfo[]): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(members);
      } catch (error) {
        this.logger.error('membership change listener threw', { error: String(error) });
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
