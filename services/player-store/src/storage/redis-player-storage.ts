import { Redis, type RedisOptions } from 'ioredis';
import type { PlayerChange, PlayerRecord } from '../player-data.js';
import { PlayerRefusedError } from '../player-data.js';
import type { PlayerStorage } from './player-storage.js';

/**
 * One hash per player, `<prefix><player id>`: `name`, `created`, `matches`, `score`, `xp`, `v` (version), `op` (the
 * change that made it) and `i:<item>` per item held. Creation and every change are one Lua script each, so they
 * are atomic; a change checks the version and every item count before it writes anything.
 */
const CREATE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'name', ARGV[1], 'created', ARGV[2], 'matches', 0, 'score', 0, 'xp', 0, 'v', 1, 'op', 'create')
return 1`;

// ARGV: expected version, op id, name ('' = unchanged), matches, score, xp, then item, delta pairs.
const APPLY = `
local key = KEYS[1]
local stored = redis.call('HMGET', key, 'v', 'op')
if not stored[1] then return redis.error_reply('NOPLAYER ' .. key) end
local version = tonumber(stored[1])
local expected = tonumber(ARGV[1])
if version ~= expected then
  if version == expected + 1 and stored[2] == ARGV[2] then return 'DUP' end
  return redis.error_reply('CONFLICT ' .. version)
end
local counts = {}
for i = 7, #ARGV, 2 do
  local field = 'i:' .. ARGV[i]
  local count = tonumber(redis.call('HGET', key, field) or '0') + tonumber(ARGV[i + 1])
  if count < 0 then return redis.error_reply('NEGATIVE ' .. ARGV[i]) end
  counts[field] = count
end
for field, count in pairs(counts) do
  if count == 0 then redis.call('HDEL', key, field) else redis.call('HSET', key, field, count) end
end
if ARGV[3] ~= '' then redis.call('HSET', key, 'name', ARGV[3]) end
if ARGV[4] ~= '0' then redis.call('HINCRBY', key, 'matches', ARGV[4]) end
if ARGV[5] ~= '0' then redis.call('HINCRBY', key, 'score', ARGV[5]) end
if ARGV[6] ~= '0' then redis.call('HINCRBY', key, 'xp', ARGV[6]) end
redis.call('HSET', key, 'v', version + 1, 'op', ARGV[2])
return 'OK'`;

interface PlayerCommands {
  createPlayer(key: string, name: string, created: string): Promise<number>;
  applyPlayer(key: string, ...args: string[]): Promise<string>;
}

/**
 * Players in Redis through ioredis. A write resolves once Redis has answered its script: applied, and with
 * `appendonly yes` + `appendfsync always` on the server, fsynced to the AOF before that answer. Concurrent writes
 * of many players are pipelined on one connection. Commands caught by a dropped connection are sent again on
 * reconnect; the version and op id make that safe (a change applied before the drop is not applied twice).
 */
export class RedisPlayerStorage implements PlayerStorage {
  readonly backend = 'redis';
  readonly client: Redis;
  private readonly commands: PlayerCommands;
  private closed = false;

  constructor(options: { url: string; prefix?: string; redis?: RedisOptions }) {
    this.prefix = options.prefix ?? 'packetflow:player:';
    // Auto-pipelining: the commands of one event-loop turn (many players writing at once) go out in one write.
    this.client = new Redis(options.url, { enableAutoPipelining: true, ...options.redis });
    this.client.on('error', () => {}); // ioredis reconnects by itself; an unheard 'error' would end the process
    this.client.defineCommand('createPlayer', { numberOfKeys: 1, lua: CREATE });
    this.client.defineCommand('applyPlayer', { numberOfKeys: 1, lua: APPLY });
    this.commands = this.client as unknown as PlayerCommands;
  }

  private readonly prefix: string;

  keyOf(playerId: string): string {
    return this.prefix + playerId;
  }

  async load(playerId: string): Promise<PlayerRecord | undefined> {
    const hash = await this.client.hgetall(this.keyOf(playerId));
    return hash.v === undefined ? undefined : toRecord(playerId, hash);
  }

  async create(record: PlayerRecord): Promise<PlayerRecord> {
    await this.commands.createPlayer(this.keyOf(record.playerId), record.name, String(record.createdAtMs));
    const stored = await this.load(record.playerId);
    if (!stored) throw new Error(`player ${record.playerId} vanished right after its creation`);
    return stored;
  }

  async apply(playerId: string, expectedVersion: number, change: PlayerChange, opId: string): Promise<void> {
    const stats = change.stats ?? { matches: 0, score: 0, xp: 0 };
    const args = [String(expectedVersion), opId, change.name ?? '', String(stats.matches), String(stats.score)];
    args.push(String(stats.xp));
    for (const [item, delta] of Object.entries(change.items ?? {})) args.push(item, String(delta));
    try {
      await this.commands.applyPlayer(this.keyOf(playerId), ...args);
    } catch (error) {
      // Redis puts "ERR " before a script's error without a code of its own; accept either form.
      const match = /^(?:ERR )?(NOPLAYER|CONFLICT|NEGATIVE) (.*)$/s.exec(error instanceof Error ? error.message : '');
      if (match?.[1] === 'NOPLAYER')
        throw new PlayerRefusedError('no_such_player', `player ${playerId} does not exist`);
      if (match?.[1] === 'CONFLICT') {
        throw new PlayerRefusedError(
          'conflict',
          `player ${playerId} was changed elsewhere (version ${match[2]}, expected ${expectedVersion}); try again`,
        );
      }
      if (match?.[1] === 'NEGATIVE') {
        throw new PlayerRefusedError('not_enough_items', `the store holds too few ${match[2]} to take them`);
      }
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }
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
  };
}
