import type { Readiness } from '@packetflow/actors';
import { Redis, type RedisOptions } from 'ioredis';
import type { PlayerChange, PlayerRecord } from '../player-data.js';
import { MAX_STATS_KEYS, PlayerRefusedError } from '../player-data.js';
import { DEFAULT_GUEST_TTL_MS, isGuest } from './guest-expiry.js';
import type { ApplyOutcome, PlayerStorage } from './player-storage.js';

/**
 * One hash per player, `<prefix><player id>`: `name`, `created`, `matches`, `score`, `xp`, `v` (version), `op` (the
 * change that made it), `sk` (the stats keys, newline-separated: a key is printable) and `i:<item>` per item held. Creation and every change are one Lua script each, so they
 * are atomic; a change checks the version and every item count before it writes anything.
 *
 * A guest's key expires after the guest TTL, which every script that finds the key sets again (ttl > 0 in its
 * arguments; 0 for other players, whose keys never get one). The TTL is pushed back in the same script run as the
 * read or write, so no write can land on a key in its last moment and be expired with it.
 */
const CREATE = `
local created = redis.call('EXISTS', KEYS[1]) == 0
if created then
  redis.call('HSET', KEYS[1], 'name', ARGV[1], 'created', ARGV[2], 'matches', 0, 'score', 0, 'xp', 0, 'v', 1, 'op', 'create')
end
if tonumber(ARGV[3]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return created and 1 or 0`;

/** A guest's load: HGETALL that pushes the key's expiry back (ARGV[1], the TTL) when the player is there. */
const LOAD_GUEST = `
local hash = redis.call('HGETALL', KEYS[1])
if #hash > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return hash`;

/**
 * A batch of changes, one per key, each checked and applied on its own (one refused leaves the others alone), all in
 * one script run: one command to parse, one reply, one MULTI/EXEC in the AOF and one fsync for the lot. Per change,
 * ARGV holds: expected version, op id, guest TTL (0 = none), name ('' = unchanged), matches, score, xp, stats key
 * ('' = none), number of items, then item, delta pairs. Per change the reply holds 'OK', 'DUP' (already applied by
 * this op id), 'SEEN' (its stats key is already held, whatever the version), 'NOPLAYER', 'CONFLICT <version>' or
 * 'NEGATIVE <item>'. Every check of a change comes before its one HSET (and HDEL of items gone to zero).
 */
const APPLY_BATCH = `
local results = {}
local a = 1
for k = 1, #KEYS do
  local key = KEYS[k]
  local expected = tonumber(ARGV[a])
  local op = ARGV[a + 1]
  local ttl = tonumber(ARGV[a + 2])
  local name = ARGV[a + 3]
  local dm, ds, dx = tonumber(ARGV[a + 4]), tonumber(ARGV[a + 5]), tonumber(ARGV[a + 6])
  local statsKey = ARGV[a + 7]
  local n = tonumber(ARGV[a + 8])
  local first = a + 9
  a = first + 2 * n
  local fields = {'v', 'op', 'matches', 'score', 'xp', 'sk'}
  for i = 0, n - 1 do fields[7 + i] = 'i:' .. ARGV[first + 2 * i] end
  local stored = redis.call('HMGET', key, unpack(fields))
  local result = 'OK'
  local statsKeys = {}
  if statsKey ~= '' and stored[6] then
    for held in string.gmatch(stored[6], '[^\\n]+') do
      statsKeys[#statsKeys + 1] = held
      if held == statsKey then result = 'SEEN' end
    end
  end
  if not stored[1] then
    result = 'NOPLAYER'
  elseif result == 'SEEN' then
    if ttl > 0 then redis.call('PEXPIRE', key, ttl) end
  else
    local version = tonumber(stored[1])
    if version ~= expected then
      if version == expected + 1 and stored[2] == op then result = 'DUP' else result = 'CONFLICT ' .. version end
    else
      local set = {'v', version + 1, 'op', op}
      local gone = {}
      local counts = {}
      for i = 0, n - 1 do
        local field = fields[7 + i]
        local count = (counts[field] or tonumber(stored[7 + i] or '0')) + tonumber(ARGV[first + 2 * i + 1])
        if count < 0 then result = 'NEGATIVE ' .. ARGV[first + 2 * i]; break end
        counts[field] = count
      end
      if result == 'OK' then
        for field, count in pairs(counts) do
          if count == 0 then gone[#gone + 1] = field else set[#set + 1] = field; set[#set + 1] = count end
        end
        if name ~= '' then set[#set + 1] = 'name'; set[#set + 1] = name end
        if dm ~= 0 then set[#set + 1] = 'matches'; set[#set + 1] = tonumber(stored[3] or '0') + dm end
        if ds ~= 0 then set[#set + 1] = 'score'; set[#set + 1] = tonumber(stored[4] or '0') + ds end
        if dx ~= 0 then set[#set + 1] = 'xp'; set[#set + 1] = tonumber(stored[5] or '0') + dx end
        if statsKey ~= '' then
          statsKeys[#statsKeys + 1] = statsKey
          while #statsKeys > ${MAX_STATS_KEYS} do table.remove(statsKeys, 1) end
          set[#set + 1] = 'sk'; set[#set + 1] = table.concat(statsKeys, '\\n')
        end
        if #gone > 0 then redis.call('HDEL', key, unpack(gone)) end
        redis.call('HSET', key, unpack(set))
      end
    end
    if ttl > 0 then redis.call('PEXPIRE', key, ttl) end
  end
  results[k] = result
end
return results`;

/** Changes one batch script carries at most, so that one run stays short (Redis serves nobody else meanwhile). */
const MAX_BATCH = 256;

interface PendingChange {
  readonly playerId: string;
  readonly key: string;
  readonly expectedVersion: number;
  readonly args: readonly string[];
  readonly resolve: (outcome: ApplyOutcome) => void;
  readonly reject: (error: unknown) => void;
}

interface PlayerCommands {
  createPlayer(key: string, name: string, created: string, ttl: string): Promise<number>;
  loadGuest(key: string, ttl: string): Promise<string[]>;
  applyPlayers(keyCount: number, ...keysAndArgs: string[]): Promise<string[]>;
}

/** Connections unless `connections` says otherwise; see the class comment for why more than one. */
export const DEFAULT_REDIS_CONNECTIONS = 4;

/**
 * Players in Redis through ioredis. A write resolves once Redis has answered its script: applied, and with
 * `appendonly yes` + `appendfsync always` on the server, fsynced to the AOF before that answer. Concurrent writes
 * of many players are pipelined. Commands caught by a dropped connection are sent again on reconnect; the version
 * and op id make that safe (a change applied before the drop is not applied twice).
 *
 * Writes are batched: the changes of one event-loop turn (a thousand players writing at once) go to Redis as one
 * script run per connection (at most `MAX_BATCH` changes each), not one script per change: one command to parse,
 * one reply to read, one MULTI/EXEC in the AOF. Each change in a batch is still checked and applied on its own, and
 * each caller hears of its own change only after Redis answered the batch, i.e. after the fsync.
 *
 * Players are spread over `connections` connections by a hash of their id, so all commands of one player keep their
 * order on one connection. More than one because Redis reads at most 16 KB from a client per event-loop iteration
 * and fsyncs the AOF once per iteration that wrote: with several connections, one iteration reads and runs the
 * batches of several, and they share one fsync.
 *
 * Guest records expire by their key's TTL (see the scripts above): Redis deletes them itself.
 */
export class RedisPlayerStorage implements PlayerStorage {
  readonly backend = 'redis';
  readonly guestTtlMs: number;
  /** The first connection (players hashed to slot 0 use it; tests read through it). */
  readonly client: Redis;
  readonly clients: readonly Redis[];
  private readonly commands: readonly PlayerCommands[];
  private closed = false;

  constructor(options: {
    url: string;
    prefix?: string;
    connections?: number;
    /** See `PlayerStorage.guestTtlMs`; `DEFAULT_GUEST_TTL_MS` unless set. */
    guestTtlMs?: number;
    redis?: RedisOptions;
  }) {
    this.guestTtlMs = options.guestTtlMs ?? DEFAULT_GUEST_TTL_MS;
    this.prefix = options.prefix ?? 'packetflow:player:';
    const count = options.connections ?? DEFAULT_REDIS_CONNECTIONS;
    if (!Number.isInteger(count) || count < 1)
      throw new Error(`connections: expected a positive integer, got ${count}`);
    const clients: Redis[] = [];
    for (let i = 0; i < count; i++) {
      // Auto-pipelining: the commands of one event-loop turn (many players writing at once) go out in one write.
      const client = new Redis(options.url, { enableAutoPipelining: true, ...options.redis });
      client.on('error', () => {}); // ioredis reconnects by itself; an unheard 'error' would end the process
      client.defineCommand('createPlayer', { numberOfKeys: 1, lua: CREATE });
      client.defineCommand('loadGuest', { numberOfKeys: 1, lua: LOAD_GUEST });
      client.defineCommand('applyPlayers', { lua: APPLY_BATCH });
      clients.push(client);
    }
    this.clients = clients;
    this.client = clients[0]!;
    this.commands = clients as unknown as PlayerCommands[];
    this.pending = clients.map(() => []);
  }

  private readonly prefix: string;
  /** Per connection, the changes waiting for the next batch. */
  private readonly pending: PendingChange[][];
  private flushScheduled = false;

  keyOf(playerId: string): string {
    return this.prefix + playerId;
  }

  /** The connection of one player: always the same one, so its commands stay in order. */
  private slotOf(playerId: string): number {
    if (this.clients.length === 1) return 0;
    let hash = 0x811c9dc5;
    for (let i = 0; i < playerId.length; i++) hash = Math.imul(hash ^ playerId.charCodeAt(i), 0x01000193);
    return (hash >>> 0) % this.clients.length;
  }

  async load(playerId: string): Promise<PlayerRecord | undefined> {
    const slot = this.slotOf(playerId);
    const key = this.keyOf(playerId);
    const hash = isGuest(playerId)
      ? hashOf(await this.commands[slot]!.loadGuest(key, String(this.guestTtlMs)))
      : await this.clients[slot]!.hgetall(key);
    return hash.v === undefined ? undefined : toRecord(playerId, hash);
  }

  /** The TTL argument of the scripts: the guest TTL for a guest, 0 (none) for anyone else. */
  private ttlOf(playerId: string): string {
    return isGuest(playerId) ? String(this.guestTtlMs) : '0';
  }

  async create(record: PlayerRecord): Promise<PlayerRecord> {
    await this.commands[this.slotOf(record.playerId)]!.createPlayer(
      this.keyOf(record.playerId),
      record.name,
      String(record.createdAtMs),
      this.ttlOf(record.playerId),
    );
    const stored = await this.load(record.playerId);
    if (!stored) throw new Error(`player ${record.playerId} vanished right after its creation`);
    return stored;
  }

  /**
   * Queues the change for the batch of its connection, sent once the current event-loop turn is over (so the
   * changes of all players that write in one turn share one script run), and resolves once Redis has answered it.
   */
  apply(playerId: string, expectedVersion: number, change: PlayerChange, opId: string): Promise<ApplyOutcome> {
    const stats = change.stats;
    const args = [String(expectedVersion), opId, this.ttlOf(playerId), change.name ?? ''];
    if (stats) args.push(String(stats.matches), String(stats.score), String(stats.xp));
    else args.push('0', '0', '0');
    args.push(change.statsKey ?? '');
    const items = change.items ? Object.entries(change.items) : [];
    args.push(String(items.length));
    for (const [item, delta] of items) args.push(item, String(delta));
    const key = this.keyOf(playerId);
    return new Promise<ApplyOutcome>((resolve, reject) => {
      this.pending[this.slotOf(playerId)]!.push({ playerId, key, expectedVersion, args, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(this.flush);
      }
    });
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    for (let slot = 0; slot < this.pending.length; slot++) {
      const queue = this.pending[slot]!;
      if (queue.length === 0) continue;
      this.pending[slot] = [];
      for (let start = 0; start < queue.length; start += MAX_BATCH) {
        this.send(slot, queue.length <= MAX_BATCH ? queue : queue.slice(start, start + MAX_BATCH));
      }
    }
  };

  private send(slot: number, batch: readonly PendingChange[]): void {
    const keysAndArgs: string[] = [];
    for (const change of batch) keysAndArgs.push(change.key);
    for (const change of batch) for (const arg of change.args) keysAndArgs.push(arg);
    this.commands[slot]!.applyPlayers(batch.length, ...keysAndArgs).then(
      (results) => {
        for (let i = 0; i < batch.length; i++) {
          const change = batch[i]!;
          const result = results[i];
          if (result === 'OK' || result === 'DUP') change.resolve('applied');
          else if (result === 'SEEN') change.resolve('already_applied');
          else change.reject(refusalOf(change, String(result)));
        }
      },
      (error: unknown) => {
        for (const change of batch) change.reject(error);
      },
    );
  }

  /**
   * Ready while every connection is up: each serves the players hashed to it. ioredis queues commands while a
   * connection is down, so a probe by command would only wait.
   */
  readiness(): Readiness {
    const down = this.clients.filter((client) => client.status !== 'ready');
    if (down.length === 0) return { ready: true };
    return {
      ready: false,
      reason: `player storage unreachable: ${down.length} of ${this.clients.length} Redis connections ${down[0]!.status}`,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.flush(); // changes still waiting for their batch go out before QUIT
    await Promise.all(
      this.clients.map(async (client) => {
        try {
          await client.quit();
        } catch {
          client.disconnect();
        }
      }),
    );
  }
}

function refusalOf(change: PendingChange, result: string): Error {
  const space = result.indexOf(' ');
  const code = space < 0 ? result : result.slice(0, space);
  const detail = space < 0 ? '' : result.slice(space + 1);
  const { playerId, expectedVersion } = change;
  if (code === 'NOPLAYER') return new PlayerRefusedError('no_such_player', `player ${playerId} does not exist`);
  if (code === 'CONFLICT') {
    return new PlayerRefusedError(
      'conflict',
      `player ${playerId} was changed elsewhere (version ${detail}, expected ${expectedVersion}); try again`,
    );
  }
  if (code === 'NEGATIVE')
    return new PlayerRefusedError('not_enough_items', `the store holds too few ${detail} to take them`);
  return new Error(`player ${playerId}: unexpected answer from the apply script: ${result}`);
}

/** A hash as HGETALL answers it from a script: field, value, field, value… */
function hashOf(fieldsAndValues: readonly string[]): Record<string, string> {
  const hash: Record<string, string> = {};
  for (let i = 0; i + 1 < fieldsAndValues.length; i += 2) hash[fieldsAndValues[i]!] = fieldsAndValues[i + 1]!;
  return hash;
}

function toRecord(playerId: string, hash: Record<string, string>): PlayerRecord {
  const items: Record<string, number> = {};
  for (const [field, value] of Object.entries(hash)) if (field.startsWith('i:')) items[field.slice(2)] = Number(value);
  return {
    playerId,
    name: hash.name ?? '',
    createdAtMs: Number(hash.created),
    stats: { matches: Number(hash.matches ?? 0), score: Number(hash.score ?? 0), xp: Number(hash.xp ?? 0) },
    items,
    version: Number(hash.v),
    statsKeys: hash.sk ? hash.sk.split('\n') : [],
  };
}
