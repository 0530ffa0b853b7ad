// Colyseus learns that a gateway process died only from a call to it that times out: a seat reservation in one of
// its rooms waits 2 s for an answer (COLYSEUS_PRESENCE_SHORT_TIMEOUT), then a health check of the process another
// 2 s, and only then are the dead process's listings and room count removed from Redis. Until then its rooms are
// found by joinOrCreate and joinById, and a match's players coming back to bring their room back (a create with
// `matchId`) are seated in the dead room and refused after 4 s. The gateways are cluster members, and the cluster
// knows at once that one died: its links drop (or its heartbeats go unanswered within 2 s). So each gateway records
// which member its Colyseus process is, and removes what a gone gateway left behind as soon as the cluster says so
// and Redis agrees (the process no longer listens on its channel: a killed process's connection closes with its
// links, a cut-off one's does not), exactly as Colyseus' failed health check would: its listings, its room count,
// and the receipt that makes a gateway taken for dead wrongly list its rooms again within 5 s.
import { matchMaker } from '@colyseus/core';
import type { Cluster, Logger, MemberInfo } from '@packetflow/actors';

/** Colyseus process id → the member it runs in: `{ node, startedAt, refreshedAt }` as JSON. */
const PROCESSES_KEY = 'packetflow:gateway-processes';
/** Colyseus' SWEPT_RECEIPT_TTL, in seconds. */
const SWEPT_RECEIPT_TTL_S = 600;
/** How often the cluster's view is compared with the last one swept; an in-memory read, Redis only on a change. */
const WATCH_MS = 50;
/**
 * How often a gateway writes its record again: it is back soon after a Redis that lost it (no AOF) restarts, and
 * its refreshedAt says it is still there.
 */
const REFRESH_MS = 5000;
/**
 * How soon a gateway the cluster no longer links to, but whose Colyseus process Redis still counts as subscribed,
 * is looked at again: a killed process's Redis connection closes as its links do, a cut-off one's stays open.
 */
const RECHECK_MS = 250;
/** A record not written again for this long is of a gateway gone long ago: swept then, and now forgotten. */
const FORGET_MS = 10 * 60_000;
/**
 * A gateway that started before this one and is not linked to it this long after it started is gone: members that
 * are up link within the cluster's handshake timeout.
 */
const STARTUP_GRACE_MS = 6000;

interface ProcessRecord {
  readonly node: string;
  readonly startedAt: number;
  /** Date.now() when it was last written. */
  readonly refreshedAt: number;
}

function parseRecord(raw: string): ProcessRecord | undefined {
  try {
    const { node, startedAt, refreshedAt } = JSON.parse(raw) as Partial<ProcessRecord>;
    return typeof node === 'string' && typeof startedAt === 'number' && typeof refreshedAt === 'number'
      ? { node, startedAt, refreshedAt }
      : undefined;
  } catch {
    return undefined;
  }
}

const incarnation = (node: string, startedAt: number): string => `${node}@${startedAt}`;

/** Why a record's gateway counts as gone, and whether its record goes too (its process will never be back). */
interface Verdict {
  readonly why: string;
  readonly forget: boolean;
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class GoneGateways {
  /** Every member incarnation this gateway saw linked: one of them no longer linked has died or been cut off. */
  private readonly seen = new Set<string>();
  /** Processes whose rooms were removed, not removed again until their member is linked again. */
  private readonly swept = new Set<string>();
  private readonly startedAt = performance.now();
  private view = '';
  private closed = false;
  private last: Promise<void> = Promise.resolve();
  private queued: Promise<void> | undefined;
  private refreshing: Promise<void> | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private recheck: NodeJS.Timeout | undefined;

  constructor(
    private readonly cluster: Pick<Cluster, 'nodeId' | 'liveMembers'>,
    private readonly logger: Logger,
  ) {}

  /** Records this gateway's Colyseus process (it must have set up) and starts watching the cluster. */
  async start(): Promise<void> {
    await this.refresh();
    await this.sweep();
    this.timers.push(
      setInterval(() => this.watch(), WATCH_MS),
      setInterval(() => {
        this.refreshing ??= this.refresh()
          .catch((error: unknown) => this.logger.warn('gateway record not written', { error: describe(error) }))
          .finally(() => {
            this.refreshing = undefined;
          });
      }, REFRESH_MS),
      setTimeout(() => this.sweep(), STARTUP_GRACE_MS),
    );
    for (const timer of this.timers) timer.unref();
  }

  /**
   * Resolves once what gateways gone by the cluster's current view left in Redis is removed: at once when nothing
   * changed since the last sweep. A seat reservation waits for it, so that it never picks a dead gateway's room.
   */
  settled(): Promise<void> {
    this.watch();
    return this.last;
  }

  /** Stops watching and removes this gateway's record: Colyseus removes its listings as it shuts down. */
  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    clearTimeout(this.recheck);
    this.closed = true;
    matchMaker.presence.hdel(PROCESSES_KEY, matchMaker.processId).catch((error: unknown) => {
      this.logger.warn('gateway record not removed', { error: describe(error) });
    });
  }

  private async refresh(): Promise<void> {
    const self = this.cluster.liveMembers().find((m) => m.id === this.cluster.nodeId);
    if (self === undefined) return;
    const record: ProcessRecord = { node: self.id, startedAt: self.startedAt, refreshedAt: Date.now() };
    await matchMaker.presence.hset(PROCESSES_KEY, matchMaker.processId, JSON.stringify(record));
  }

  private watch(): void {
    const view = this.cluster
      .liveMembers()
      .map((m) => incarnation(m.id, m.startedAt))
      .join();
    if (view === this.view) return;
    this.view = view;
    void this.sweep();
  }

  /** One sweep after the one running, shared by everyone who asks before it starts. */
  private sweep(): Promise<void> {
    if (this.queued === undefined) {
      const next = this.last.then(() => {
        this.queued = undefined;
        return this.sweepOnce();
      });
      this.queued = next;
      this.last = next.catch((error: unknown) => {
        this.logger.warn('gone gateways not swept', { error: describe(error) });
      });
    }
    return this.last;
  }

  private async sweepOnce(): Promise<void> {
    const live = this.cluster.liveMembers();
    for (const member of live) this.seen.add(incarnation(member.id, member.startedAt));
    const self = live.find((m) => m.id === this.cluster.nodeId);
    const { presence, processId } = matchMaker;
    const records = await presence.hgetall(PROCESSES_KEY);
    let stillListening = false;
    for (const [id, raw] of Object.entries(records)) {
      if (id === processId) continue;
      const record = parseRecord(raw);
      const verdict = this.verdict(record, live, self);
      if (verdict === undefined) {
        this.swept.delete(id);
        continue;
      }
      if (this.swept.has(id) && !verdict.forget) continue;
      // Unlinked from this gateway only (a partition between gateways, links closed as Redis membership came back)
      // is not gone while its process still listens on Redis, as Colyseus' own health check also holds.
      if (!verdict.forget && (await presence.channels(`p:${id}`)).length > 0) {
        stillListening = true;
        continue;
      }
      if (!this.swept.has(id)) {
        await this.remove(id, record, verdict.why);
        this.swept.add(id);
      }
      if (verdict.forget) {
        await presence.hdel(PROCESSES_KEY, id);
        this.swept.delete(id);
      }
    }
    if (stillListening && !this.closed) {
      clearTimeout(this.recheck);
      this.recheck = setTimeout(() => this.sweep(), RECHECK_MS);
      this.recheck.unref();
    }
  }

  /** Whether the gateway of this record is gone by the cluster's view; undefined while it may be up. */
  private verdict(
    record: ProcessRecord | undefined,
    live: readonly MemberInfo[],
    self: MemberInfo | undefined,
  ): Verdict | undefined {
    if (record === undefined) return { why: 'an unreadable record', forget: true };
    if (Date.now() - record.refreshedAt > FORGET_MS) return { why: 'its record is no longer written', forget: true };
    const member = live.find((m) => m.id === record.node);
    if (member !== undefined) {
      return member.startedAt > record.startedAt ? { why: 'its member restarted', forget: true } : undefined;
    }
    // Not linked may be cut off rather than dead: its record stays, and it lists its rooms again (the receipt).
    if (this.seen.has(incarnation(record.node, record.startedAt))) {
      return { why: 'its member is no longer linked', forget: false };
    }
    const older = self !== undefined && record.startedAt < self.startedAt;
    if (older && performance.now() - this.startedAt >= STARTUP_GRACE_MS) {
      return { why: 'its member was not linked since this gateway started', forget: false };
    }
    return undefined;
  }

  /** What Colyseus' failed health check of a process does. */
  private async remove(id: string, record: ProcessRecord | undefined, why: string): Promise<void> {
    const { presence, driver, stats } = matchMaker;
    const rooms = await driver.query({ processId: id });
    await stats.excludeProcess(id);
    for (const room of rooms) await driver.remove(room.roomId);
    await presence.setex(`swept:${id}`, '1', SWEPT_RECEIPT_TTL_S);
    this.logger.warn('gateway gone: its rooms are no longer listed', {
      process: id,
      ...(record === undefined ? {} : { gateway: record.node }),
      why,
      rooms: rooms.length,
    });
  }
}
