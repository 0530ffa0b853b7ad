import { ActorRef, type ActorSystem } from '@packetflow/actors';
import type { Ticking } from '../tick/tick-scheduler.js';
import type { MatchMessage } from './match-messages.js';

/** Why a ticker left the scheduler without its match asking: the system stopped, or a tick never came back. */
export type TickerEnd = 'system stopped' | 'tick never settled';

/**
 * Hands a match its ticks from the host's scheduler: a `Tick` told to the match's activation on this node, never
 * routed (a Tick has no codec and means nothing to another node's copy), and never one more while the last is
 * queued or running, so a match blocked on its physics or its store skips ticks instead of piling them up in its
 * mailbox. A tick that is not settled within `staleAfterMs` means the activation is gone (its Tick was dropped
 * with it): the ticker then ends itself, so no timer outlives its match.
 */
export class MatchTicker implements Ticking {
  private readonly local: ActorRef<MatchMessage>;
  private sentAt: number | undefined;

  constructor(
    /** The activation that started it: another activation of the match replaces it rather than sharing it. */
    readonly activation: object,
    private readonly system: ActorSystem,
    kind: string,
    readonly matchId: string,
    private readonly staleAfterMs: number,
    /** A tick skipped because the last one has not settled. */
    private readonly skipped: () => void,
    private readonly end: (why: TickerEnd) => void,
  ) {
    // Pinned to this node: delivered to the activation here or dropped, never activating a copy elsewhere.
    this.local = new ActorRef<MatchMessage>(kind, matchId, system.nodeId, null);
  }

  get inFlight(): boolean {
    return this.sentAt !== undefined;
  }

  tick(tick: number): void {
    if (!this.system.running) {
      this.end('system stopped');
      return;
    }
    if (this.sentAt !== undefined) {
      if (performance.now() - this.sentAt > this.staleAfterMs) this.end('tick never settled');
      else this.skipped();
      return;
    }
    this.sentAt = performance.now();
    this.system.tell(this.local, { type: 'Tick', tick, ticker: this });
  }

  /** The match is done with the tick it was told (handled, skipped or failed): the next one may go. */
  settled(): void {
    this.sentAt = undefined;
  }
}
