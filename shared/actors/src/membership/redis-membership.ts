import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../behavior.js';
import { componentLogger } from '../logging/logger.js';
import { ChangeListeners } from './change-listeners.js';
import { MembershipStartError } from './errors.js';
import { Lease } from './lease.js';
import { checkMemberInfo, parseMemberInfo, sameView, sortById } from './member-info.js';
import type { MemberInfo, Membership } from './membership.js';
import { ProblemLog } from './problem-log.js';
import {
  type RedisMembershipOptions,
  type RedisMembershipSettings,
  redisMembershipSettings,
} from './redis-membership-options.js';
import { leaveScript, membershipKeys, readScript, registerScript } from './redis-scripts.js';

interface MembershipCommands {
  membershipRegister(
    members: string,
    infos: string,
    id: string,
    info: string,
    ttlMs: number,
    startedAt: number,
    channel: string,
  ): Promise<number>;
  membershipRead(members: string, infos: string, channel: string): Promise<unknown>;
  membershipLeave(members: string, infos: string, id: string, info: string, channel: string): Promise<number>;
}

type CommandConnection = Redis & MembershipCommands;

interface Running {
  readonly self: MemberInfo;
  readonly selfRecord: string;
  readonly commands: CommandConnection;
  readonly subscriber: Redis;
  readonly timers: NodeJS.Timeout[];
}

const unreachable = 'redis-unreachable';

/**
 * Membership through Redis: each member keeps a record with a TTL refreshed every heartbeat, announces joins and
 * leaves on a channel, and everyone re-reads the whole view on every announcement and every `fullReadMs`.
 *
 * Announcements trigger a full read instead of being applied as deltas: a read is one round trip, and the view can
 * then never drift from Redis through lost or reordered messages.
 *
 * While Redis is unreachable the last view is kept. When it comes back, possibly empty, the other members get one
 * TTL from this member's reconnection to re-register before their absence counts, so a Redis restart does not make
 * everyone briefly drop everyone else (and move their actors).
 */
export class RedisMembership implements Membership {
  /**
   * Held while the last successful refresh of this member's record is younger than the TTL less half a heartbeat:
   * the others can only drop it after the full TTL, so a member that heeds its lease never overlaps the owner that
   * replaces it, even with a tick in flight when the lease lapses.
   */
  readonly lease: Lease;
  private readonly settings: RedisMembershipSettings;
  private readonly keys: ReturnType<typeof membershipKeys>;
  private readonly logger: Logger;
  private readonly listeners: ChangeListeners;
  private readonly problems: ProblemLog;
  private running: Running | undefined;
  private starting: Promise<void> | undefined;
  private leaving: Promise<void> | undefined;
  private view: readonly MemberInfo[] = [];
  private heartbeatInFlight = false;
  private reading = false;
  private readAgain = false;
  /** Members kept after a reconnection while they have until `graceUntil` to show up in Redis again. */
  private carriedOver = new Map<string, MemberInfo>();
  private graceUntil = 0;

  constructor(options: RedisMembershipOptions) {
    this.settings = redisMembershipSettings(options);
    this.keys = membershipKeys(this.settings.cluster);
    this.logger = options.logger ?? componentLogger('membership');
    this.listeners = new ChangeListeners(this.logger);
    this.problems = new ProblemLog(this.logger);
    this.lease = new Lease(this.settings.ttlMs - this.settings.heartbeatMs / 2, this.logger);
  }

  async start(self: MemberInfo, beforeRegistering?: (others: readonly MemberInfo[]) => Promise<void>): Promise<void> {
    if (this.starting || this.leaving) throw new MembershipStartError('start can be called once');
    const checked = checkMemberInfo(self, 'self');
    this.starting = this.connectAndRegister(checked, beforeRegistering);
    await this.starting;
  }

  members(): readonly MemberInfo[] {
    return this.view;
  }

  admits(_nodeId: string): boolean {
    return true;
  }

  onChange(listener: (members: readonly MemberInfo[]) => void): () => void {
    return this.listeners.add(listener);
  }

  leave(): Promise<void> {
    this.leaving ??= this.deregisterAndClose();
    return this.leaving;
  }

  private async connectAndRegister(
    self: MemberInfo,
    beforeRegistering?: (others: readonly MemberInfo[]) => Promise<void>,
  ): Promise<void> {
    const commands = this.connection('commands') as CommandConnection;
    commands.defineCommand('membershipRegister', { numberOfKeys: 2, lua: registerScript });
    commands.defineCommand('membershipRead', { numberOfKeys: 2, lua: readScript });
    commands.defineCommand('membershipLeave', { numberOfKeys: 2, lua: leaveScript });
    const subscriber = this.connection('subscriber');
    const running: Running = { self, selfRecord: JSON.stringify(self), commands, subscriber, timers: [] };
    try {
      await withTimeout(
        Promise.all([whenReady(commands), whenReady(subscriber)]),
        this.settings.startTimeoutMs,
        () => new MembershipStartError(`could not reach Redis within ${this.settings.startTimeoutMs} ms`),
      );
      await subscriber.subscribe(this.keys.channel);
      if (beforeRegistering !== undefined) {
        const others = this.viewFrom(running, await this.readRecords(running)).filter((m) => m.id !== self.id);
        await beforeRegistering(others);
      }
      await this.register(running);
      this.view = this.viewFrom(running, await this.readRecords(running));
    } catch (error) {
      commands.disconnect();
      subscriber.disconnect();
      if (error instanceof MembershipStartError) throw error;
      throw new MembershipStartError(`could not register ${self.id}: ${describe(error)}`, { cause: error });
    }
    // Set even when leave() came in meanwhile: leave waits for start and then closes these connections.
    this.running = running;
    subscriber.on('message', (_channel: string, message: string) => this.onAnnouncement(message));
    // Both connections become ready again after every reconnection; whatever happened meanwhile was not seen.
    commands.on('ready', () => this.onReconnected(running));
    subscriber.on('ready', () => this.onSubscriberReconnected(running));
    running.timers.push(
      setInterval(() => this.heartbeat(running), this.settings.heartbeatMs).unref(),
      setInterval(() => this.requestRead(), this.settings.fullReadMs).unref(),
    );
  }

  private connection(role: string): Redis {
    const options: RedisOptions = {
      ...this.settings.redis,
      lazyConnect: true,
      // Fail commands at once while disconnected instead of queueing them: a heartbeat or read that cannot run is
      // simply retried by the next timer tick or by the reconnection.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      // Resubscribing is done on 'ready' so that the full read after it cannot miss an announcement.
      autoResubscribe: false,
      // Bounds the timer ioredis leaves behind when it disconnects a socket that is already gone (see close()).
      disconnectTimeout: 100,
      // A Redis that hangs without dropping the connection must not stall heartbeats and reads for good.
      commandTimeout: this.settings.ttlMs,
      // Capped at one heartbeat so a member is back within a heartbeat of Redis returning: the reconnection grace
      // (one TTL) relies on it. Jittered so a cluster does not reconnect in lockstep.
      retryStrategy: (attempt) =>
        Math.round(Math.min(50 * attempt, this.settings.heartbeatMs) * (0.5 + Math.random() / 2)),
    };
    const redis = this.settings.url === undefined ? new Redis(options) : new Redis(this.settings.url, options);
    redis.on('error', (error: Error) => {
      if (this.leaving) return;
      this.problems.report(unreachable, '', 'redis unreachable: keeping the last view and retrying', {
        connection: role,
        error: error.message,
      });
    });
    return redis;
  }

  private onReconnected(running: Running): void {
    if (this.leaving) return;
    if (this.problems.clear(unreachable)) this.logger.warn('redis reachable again: re-registering', {});
    this.carriedOver = new Map(this.view.filter((member) => member.id !== running.self.id).map((m) => [m.id, m]));
    this.graceUntil = Date.now() + this.settings.ttlMs;
    this.heartbeat(running);
    this.requestRead();
  }

  private onSubscriberReconnected(running: Running): void {
    if (this.leaving) return;
    running.subscriber.subscribe(this.keys.channel).then(
      () => this.requestRead(),
      (error: unknown) => this.reportFailure(running, 'subscribe', error),
    );
  }

  private onAnnouncement(message: string): void {
    if (this.leaving) return;
    let announcement: unknown;
    try {
      announcement = JSON.parse(message);
    } catch {
      announcement = undefined;
    }
    const { type, id } = (announcement ?? {}) as { type?: unknown; id?: unknown };
    if (typeof id !== 'string' || (type !== 'join' && type !== 'leave' && type !== 'expired')) {
      this.logger.warn('ignoring a malformed membership announcement', { channel: this.keys.channel, message });
      return;
    }
    if (type !== 'join') this.carriedOver.delete(id);
    this.requestRead();
  }

  private heartbeat(running: Running): void {
    if (this.leaving || this.heartbeatInFlight || running.commands.status !== 'ready') return;
    this.heartbeatInFlight = true;
    this.register(running).then(
      () => {
        this.heartbeatInFlight = false;
        this.problems.clear('heartbeat');
      },
      (error: unknown) => {
        this.heartbeatInFlight = false;
        this.reportFailure(running, 'heartbeat', error);
      },
    );
  }

  private async register(running: Running): Promise<void> {
    const { self, selfRecord, commands } = running;
    const { members, infos, channel } = this.keys;
    const sentAt = performance.now();
    const outcome = await commands.membershipRegister(
      members,
      infos,
      self.id,
      selfRecord,
      this.settings.ttlMs,
      self.startedAt,
      channel,
    );
    if (outcome === -1) {
      this.problems.report(
        'superseded',
        '',
        `${self.id} is registered by a newer process (later startedAt); this one no longer refreshes the record`,
        { id: self.id, startedAt: self.startedAt },
      );
      return;
    }
    if (!this.leaving) this.lease.renewed(sentAt);
  }

  private requestRead(): void {
    if (!this.running || this.leaving) return;
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = true;
    void this.readUntilCurrent(this.running);
  }

  /** Reads again when an announcement arrived during a read, since that read may predate it. */
  private async readUntilCurrent(running: Running): Promise<void> {
    do {
      this.readAgain = false;
      if (running.commands.status !== 'ready') break;
      try {
        const view = this.viewFrom(running, await this.readRecords(running));
        this.problems.clear('read');
        if (!this.leaving && !sameView(view, this.view)) {
          this.view = view;
          this.listeners.notify(view);
        }
      } catch (error) {
        this.reportFailure(running, 'read', error);
      }
    } while (this.readAgain && !this.leaving);
    this.reading = false;
  }

  private async readRecords(running: Running): Promise<Map<string, MemberInfo>> {
    const { members, infos, channel } = this.keys;
    const reply = await running.commands.membershipRead(members, infos, channel);
    const records = new Map<string, MemberInfo>();
    if (!Array.isArray(reply)) throw new Error(`unexpected reply to the membership read: ${describe(reply)}`);
    for (let index = 0; index + 1 < reply.length; index += 2) {
      const id = String(reply[index]);
      const member = this.parseRecord(id, String(reply[index + 1]));
      if (member) records.set(id, member);
    }
    return records;
  }

  private parseRecord(id: string, record: string): MemberInfo | undefined {
    let parsed: ReturnType<typeof parseMemberInfo>;
    try {
      parsed = parseMemberInfo(JSON.parse(record));
    } catch {
      parsed = { ok: false, reason: 'not JSON' };
    }
    if (parsed.ok && parsed.member.id !== id) parsed = { ok: false, reason: `its id is ${parsed.member.id}` };
    if (parsed.ok) return parsed.member;
    this.problems.report(`record:${id}`, record, `ignoring the malformed membership record of ${id}`, {
      key: this.keys.infos,
      reason: parsed.reason,
      record: record.slice(0, 200),
    });
    return undefined;
  }

  private viewFrom(running: Running, records: Map<string, MemberInfo>): readonly MemberInfo[] {
    // Self is always in its own view: between a Redis restart and the re-registration Redis may not know it yet.
    records.set(running.self.id, running.self);
    for (const id of records.keys()) this.carriedOver.delete(id);
    if (Date.now() < this.graceUntil) {
      for (const [id, member] of this.carriedOver) records.set(id, member);
    } else {
      this.carriedOver.clear();
    }
    return sortById(records.values());
  }

  private reportFailure(running: Running, what: string, error: unknown): void {
    if (this.leaving) return;
    if (running.commands.status !== 'ready') {
      this.problems.report(unreachable, '', 'redis unreachable: keeping the last view and retrying', {
        error: describe(error),
      });
      return;
    }
    this.problems.report(what, describe(error), `membership ${what} failed; retrying`, { error: describe(error) });
  }

  private async deregisterAndClose(): Promise<void> {
    await this.starting?.catch(() => undefined);
    this.listeners.clear();
    this.lease.release();
    const running = this.running;
    if (!running) return;
    for (const timer of running.timers) clearInterval(timer);
    const { commands, subscriber, self, selfRecord } = running;
    if (commands.status === 'ready') {
      const { members, infos, channel } = this.keys;
      try {
        // Bounded: if Redis hangs, the record simply expires after its TTL.
        await withTimeout(
          commands.membershipLeave(members, infos, self.id, selfRecord, channel),
          this.settings.ttlMs,
          () => new Error(`Redis did not answer within ${this.settings.ttlMs} ms`),
        );
      } catch (error) {
        this.logger.warn(`could not deregister ${self.id}; its record expires after its TTL`, {
          error: describe(error),
        });
      }
    }
    await Promise.all([close(commands), close(subscriber)]);
  }
}

/**
 * QUIT when connected, so the socket is closed by the time this resolves; a forced disconnect otherwise. ioredis
 * arms a `disconnectTimeout` timer on every disconnect that only a later socket close clears, which never comes when
 * the socket is already gone: hence the short timeout set on the connections.
 */
async function close(redis: Redis): Promise<void> {
  if (redis.status === 'ready') {
    try {
      await redis.quit();
      return;
    } catch {
      // Lost meanwhile: disconnecting below also stops the reconnection attempts.
    }
  }
  redis.disconnect();
}

function whenReady(redis: Redis): Promise<void> {
  return new Promise((resolve) => {
    redis.once('ready', () => resolve());
    // The first attempt failing is not the end: the retry strategy keeps trying until the start timeout.
    redis.connect().catch(() => undefined);
  });
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, timedOut: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timedOut()), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function describe(value: unknown): string {
  return value instanceof Error ? value.message : String(value);
}
