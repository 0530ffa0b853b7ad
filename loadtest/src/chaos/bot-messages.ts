// What the chaos run's bots (src/k6/chaos-bots.ts, in the runner's worker threads) tell the chaos run (its main
// thread), on a BroadcastChannel of this name. Times are Date.now(), the one clock every thread shares.

export const BOT_CHANNEL = 'packetflow-chaos-bots';

/** A session: one VU's one match, from `joined` to the room's close. */
export interface SessionKey {
  readonly vu: number;
  /** The VU's sessions counted from 1. */
  readonly session: number;
}

export type BotMessage =
  | (SessionKey & {
      readonly kind: 'joined';
      readonly at: number;
      readonly playerId: string;
      readonly tickRate: number;
    })
  /** Snapshot arrivals since the last such message, the score the latest of them showed, and the inputs so far. */
  | (SessionKey & {
      readonly kind: 'snapshots';
      readonly at: readonly number[];
      readonly score: number | undefined;
    } & Inputs)
  /** The match acknowledged fewer inputs than it had before: it forgot `inputs` it had acknowledged. */
  | (SessionKey & { readonly kind: 'ack-rollback'; readonly at: number; readonly inputs: number })
  | (SessionKey & {
      readonly kind: 'closed';
      readonly at: number;
      readonly code: number | 'none';
      /** The bot had asked to leave and the close was a normal one. */
      readonly consented: boolean;
    } & Inputs);

export interface Inputs {
  readonly inputsSent: number;
  /** Inputs sent at least `IN_FLIGHT_MS` before the message that no ack has covered. */
  readonly inputsLost: number;
}

/** Inputs younger than this at the close may still have been on their way: not counted as lost. */
export const IN_FLIGHT_MS = 1000;
