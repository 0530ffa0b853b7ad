// The test's view of the bots' host: its events, parsed, and the figures computed from them.
import { appendFileSync } from 'node:fs';
import type { BotCommand, BotEvent } from './bot-events.js';
import type { HostProcess } from './host-process.js';

type Snap = Extract<BotEvent, { e: 'snap' }>;
type Joined = Extract<BotEvent, { e: 'joined' }>;

/** How long after a host change the new host's snapshots are searched for inputs rolled back and applied again. */
const AFTER_MOVE_MS = 3000;

export interface Undone {
  undone: number;
  rolledBack: number;
  reapplied: number;
  ticks: number;
  moves: number;
}

export class BotFleet {
  readonly events: BotEvent[] = [];
  private readonly snaps = new Map<number, Snap[]>();
  readonly joined = new Map<number, Joined>();

  constructor(private readonly host: HostProcess) {
    host.onLine((line) => {
      if (line.stream !== 'stdout' || !line.text.startsWith('{')) return;
      const event = JSON.parse(line.text) as BotEvent;
      this.events.push(event);
      if (event.e === 'snap') {
        const list = this.snaps.get(event.bot) ?? [];
        list.push(event);
        this.snaps.set(event.bot, list);
      } else if (event.e === 'joined') this.joined.set(event.bot, event);
    });
  }

  send(command: BotCommand): void {
    this.host.write(JSON.stringify(command));
  }

  async next<E extends BotEvent['e']>(
    kind: E,
    match: (event: Extract<BotEvent, { e: E }>) => boolean = () => true,
    timeoutMs = 30_000,
  ): Promise<Extract<BotEvent, { e: E }>> {
    const deadline = Date.now() + timeoutMs;
    for (let seen = 0; ; ) {
      for (; seen < this.events.length; seen++) {
        const event = this.events[seen]!;
        if (event.e === kind && match(event as Extract<BotEvent, { e: E }>))
          return event as Extract<BotEvent, { e: E }>;
      }
      if (Date.now() > deadline) throw new Error(`no ${kind} event from the bots within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  get bots(): number[] {
    return [...this.joined.keys()];
  }

  /** Match id → its bots, for the bots still in a match. */
  matches(): Map<string, number[]> {
    const matches = new Map<string, number[]>();
    for (const [bot, joined] of this.joined) {
      if (this.events.some((e) => e.e === 'leave' && e.bot === bot)) continue;
      matches.set(joined.match, [...(matches.get(joined.match) ?? []), bot]);
    }
    return matches;
  }

  snapshots(bot: number): readonly Snap[] {
    return this.snaps.get(bot) ?? [];
  }

  /** The host the match's latest snapshot came from. */
  hostOf(bots: readonly number[]): string {
    const latest = bots.map((bot) => this.snapshots(bot).at(-1)!).sort((a, b) => b.at - a.at)[0]!;
    return latest.host;
  }

  /** When any of the bots first got a snapshot after `at` from a host other than `notFrom`; undefined if none yet. */
  firstSnapshotAfter(bots: readonly number[], at: number, notFrom?: string): number | undefined {
    const times = bots.flatMap((bot) => {
      const snap = this.snapshots(bot).find((s) => s.at > at && s.host !== notFrom);
      return snap === undefined ? [] : [snap.at];
    });
    return times.length === 0 ? undefined : Math.min(...times);
  }

  /** The longest time a bot went without a snapshot between `from` and `to` (the span up to its first one counts). */
  longestGap(bot: number, from: number, to: number): number {
    const gap = this.longestGapSpan(bot, from, to);
    return gap.end - gap.start;
  }

  /** Where that longest gap began (the last snapshot before it, or `from`) and ended (the next, or `to`). */
  longestGapSpan(bot: number, from: number, to: number): { start: number; end: number } {
    let previous = from;
    let longest = { start: from, end: from };
    for (const snap of this.snapshots(bot)) {
      if (snap.at <= from) continue;
      if (snap.at > to) break;
      if (snap.at - previous > longest.end - longest.start) longest = { start: previous, end: snap.at };
      previous = snap.at;
    }
    return to - previous > longest.end - longest.start ? { start: previous, end: to } : longest;
  }

  /**
   * What a move of the match between hosts within [from, to] took back, for one bot, summed over its moves. The
   * match applies at most one input a tick, in sequence order, and every tick's snapshot acknowledges the last one
   * applied, so every input applied shows as an ack. At a move: `rolledBack` is the highest sequence acknowledged
   * before it minus the lowest the new host acknowledged in its first 3 s (inputs the bot was told were applied that
   * the new host's state started without); `reapplied` is how many of those sequences the new host acknowledged
   * again in that time (replayed); `undone` is the rest, lost for good. `ticks` is the same rollback in server ticks,
   * which shows one that acks can hide when inputs sent after the move reach the new host before its first snapshot.
   */
  undone(bot: number, from: number, to: number): Undone {
    const snaps = this.snapshots(bot);
    const total: Undone = { undone: 0, rolledBack: 0, reapplied: 0, ticks: 0, moves: 0 };
    for (let i = 1; i < snaps.length; i++) {
      const move = snaps[i]!;
      if (move.at < from || move.at > to || move.host === snaps[i - 1]!.host) continue;
      total.moves++;
      const before = snaps.slice(0, i);
      const sameHost = snaps.slice(i).findIndex((s) => s.host !== move.host);
      const after = snaps
        .slice(i, sameHost < 0 ? undefined : i + sameHost)
        .filter((s) => s.at <= move.at + AFTER_MOVE_MS);
      const ackBefore = Math.max(...before.map((s) => s.ack));
      const tickBefore = Math.max(...before.map((s) => s.tick));
      const acksAfter = after.map((s) => s.ack).filter((ack) => ack >= 0);
      total.ticks += Math.max(0, tickBefore - Math.min(...after.map((s) => s.tick)) + 1);
      if (acksAfter.length === 0) continue;
      const restored = Math.min(...acksAfter);
      const rolledBack = Math.max(0, ackBefore - restored);
      const reapplied = new Set(acksAfter.filter((ack) => ack > restored && ack <= ackBefore)).size;
      total.rolledBack += rolledBack;
      total.reapplied += reapplied;
      total.undone += rolledBack - reapplied;
    }
    return total;
  }

  /** How many times the host named in a bot's snapshots changed within [from, to]. */
  hostChanges(bot: number, from: number, to: number): number {
    const snaps = this.snapshots(bot).filter((s) => s.at >= from && s.at <= to);
    return snaps.filter((s, i) => i > 0 && s.host !== snaps[i - 1]!.host).length;
  }
}

/** `p50 x s, max y s` of a list of milliseconds. */
export function spread(values: readonly number[]): string {
  if (values.length === 0) return 'none measured';
  const sorted = [...values].sort((a, b) => a - b);
  const p50 = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return `p50 ${(p50 / 1000).toFixed(2)} s, max ${(sorted.at(-1)! / 1000).toFixed(2)} s (n=${sorted.length})`;
}

export function figure(text: string): void {
  console.log(`figure: ${text}`);
}

/** A scenario's headline figure, as `npm run bench -- hosts` puts it in BENCHMARKS.md (bench's `Figure`). */
export interface ScenarioFigure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly target: string;
  readonly met?: boolean;
  readonly note: string;
}

/**
 * Records a headline figure: a JSON line appended to $PACKETFLOW_HOSTS_FIGURES when set (the bench's hosts suite
 * runs this test with it), nothing otherwise; the figure lines printed beside it say the rest.
 */
export function record(figure: ScenarioFigure): void {
  const file = process.env.PACKETFLOW_HOSTS_FIGURES;
  if (file) appendFileSync(file, `${JSON.stringify(figure)}\n`);
}
