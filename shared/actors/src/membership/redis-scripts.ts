/**
 * Data layout, per cluster name N:
 *   {N}:members      sorted set: member id -> expiry time (ms, Redis server clock)
 *   {N}:member-info  hash: member id -> JSON MemberInfo
 *   {N}:membership   pub/sub channel: {"type":"join"|"leave"|"expired","id":...}
 *
 * Why a sorted set plus a hash rather than one key per member with PX: a full read is one script call (expire, range,
 * HMGET) instead of SCAN pages plus a GET per key, expired entries are found by score without scanning, and
 * expiry uses the Redis server's clock only, so clock skew between members cannot expire anyone early. Every write
 * goes through a script, so the set and the hash never disagree. The braces keep both keys in one Redis Cluster slot.
 */
export function membershipKeys(cluster: string): { members: string; infos: string; channel: string } {
  return { members: `{${cluster}}:members`, infos: `{${cluster}}:member-info`, channel: `{${cluster}}:membership` };
}

const serverNowMs = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
`;

/**
 * Register or heartbeat. KEYS: members, infos. ARGV: id, info JSON, ttl ms, startedAt, channel.
 * Returns 1 when it announced a join (new, changed, or back after expiring or a Redis restart), 0 for a plain
 * refresh, -1 when a newer incarnation of this id (a later startedAt) holds the record: an old process must not
 * overwrite its successor.
 */
export const registerScript = `${serverNowMs}
local id, info, ttl, startedAt, channel = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local current = redis.call('HGET', KEYS[2], id)
if current and current ~= info then
  local ok, decoded = pcall(cjson.decode, current)
  if ok and type(decoded) == 'table' and type(decoded.startedAt) == 'number' and decoded.startedAt > startedAt then
    return -1
  end
end
local expiry = redis.call('ZSCORE', KEYS[1], id)
redis.call('ZADD', KEYS[1], now + ttl, id)
if current == info and expiry and tonumber(expiry) > now then
  return 0
end
redis.call('HSET', KEYS[2], id, info)
redis.call('PUBLISH', channel, cjson.encode({ type = 'join', id = id }))
return 1
`;

/**
 * Full read. KEYS: members, infos. ARGV: channel. Removes expired members (announcing each, so every watcher
 * re-reads at once) and returns [id1, info1, id2, info2, ...] for the live ones.
 */
export const readScript = `${serverNowMs}
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
for _, id in ipairs(expired) do
  redis.call('ZREM', KEYS[1], id)
  redis.call('HDEL', KEYS[2], id)
  redis.call('PUBLISH', ARGV[1], cjson.encode({ type = 'expired', id = id }))
end
local live = redis.call('ZRANGE', KEYS[1], 0, -1)
local result = {}
for _, id in ipairs(live) do
  local info = redis.call('HGET', KEYS[2], id)
  if info then
    result[#result + 1] = id
    result[#result + 1] = info
  end
end
return result
`;

/**
 * Leave. KEYS: members, infos. ARGV: id, info JSON, channel. Removes the record only when it is still this
 * incarnation's, so a stale process leaving late cannot deregister its restarted successor. Returns 1 when removed.
 */
export const leaveScript = `
local id, info, channel = ARGV[1], ARGV[2], ARGV[3]
if redis.call('HGET', KEYS[2], id) ~= info then
  return 0
end
redis.call('ZREM', KEYS[1], id)
redis.call('HDEL', KEYS[2], id)
redis.call('PUBLISH', channel, cjson.encode({ type = 'leave', id = id }))
return 1
`;
