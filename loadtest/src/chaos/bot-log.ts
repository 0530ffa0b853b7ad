// What the bots told the chaos run, kept per virtual user: its sessions in order, each with every snapshot's arrival.
import { BOT_CHANNEL, type BotMessage } from './bot-messages.js';

export interface Session {
  readonly vu: number;
  readonly playerId: string;
  readonly tickRate: number;
  readonly joinedAt: number;
  readonly arrivals: number[];
  /** The player's score in the latest snapshot that listed it. */
  score: number | undefined;
  closed: { readonly at: number; readonly code: number | 'none'; readonly consented: boolean } | undefined;
  /** As of the latest message: inputs sent, and those sent a while before it and never acknowledged. */
  inputsSent: number;
  inputsLost: number;
}

export interface AckRollback {
  readonly vu: number;
  readonly at: number;
  readonly inputs: number;
}

export class BotLog {
  /** VU → its sessions by number. */
  private readonly byVu = new Map<number, Map<number, Session>>();
  readonly rollbacks: AckRollback[] = [];
  private readonly channel = new BroadcastChannel(BOT_CHANNEL);

  constructor() {
    this.channel.onmessage = (event) => this.add((event as { data: BotMessage }).data);
  }

  /** Stops listening; the log keeps what it has. */
  close(): void {
    this.channel.close();
  }

  /** Every session that got as far as `joined`. */
  sessions(): Session[] {
    return [...this.byVu.values()].flatMap((sessions) => [...sessions.values()]);
  }

  /** Each VU's sessions in the order it played them. */
  vus(): Session[][] {
    return [...this.byVu.values()].map((sessions) =>
      [...sessions.entries()].sort(([a], [b]) => a - b).map(([, s]) => s),
    );
  }

  /** Players in a match now. */
  inMatch(): number {
    return this.sessions().filter((s) => s.closed === undefined).length;
  }

  private add(message: BotMessage): void {
    if (message.kind === 'joined') {
      let sessions = this.byVu.get(message.vu);
      if (sessions === undefined) {
        sessions = new Map();
        this.byVu.set(message.vu, sessions);
      }
      sessions.set(message.session, {
        vu: message.vu,
        playerId: message.playerId,
        tickRate: message.tickRate,
        joinedAt: message.at,
        arrivals: [],
        score: undefined,
        closed: undefined,
        inputsSent: 0,
        inputsLost: 0,
      });
      return;
    }
    if (message.kind === 'ack-rollback') {
      this.rollbacks.push({ vu: message.vu, at: message.at, inputs: message.inputs });
      return;
    }
    // A session closed before `joined` (a join timeout) was never in a match.
    const session = this.byVu.get(message.vu)?.get(message.session);
    if (session === undefined) return;
    session.inputsSent = message.inputsSent;
    session.inputsLost = message.inputsLost;
    if (message.kind === 'snapshots') {
      for (const at of message.at) session.arrivals.push(at);
      session.score = message.score ?? session.score;
      return;
    }
    const { at, code, consented } = message;
    session.closed = { at, code, consented };
  }
}
