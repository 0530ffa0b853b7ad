"""
Membership through Redis, with the same records, scripts and channel as the TypeScript RedisMembership, so Python and
TypeScript nodes share one view. Per cluster name N:

  {N}:members      sorted set: member id -> expiry (ms, Redis server clock)
  {N}:member-info  hash: member id -> JSON member record {"id","roles","address","startedAt"}
  {N}:membership   pub/sub channel: {"type":"join"|"leave"|"expired","id":...}

Each member refreshes its record every heartbeat (TTL / 3), re-reads the whole view on every announcement and every
`full_read_ms`, and deregisters when it leaves.
"""

import asyncio
import json
import logging
import time

import redis.asyncio as aioredis

from .membership import parse_member_info

log = logging.getLogger("packetflow.membership")

_SERVER_NOW = """
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
"""

REGISTER = (
    _SERVER_NOW
    + """
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
"""
)

READ = (
    _SERVER_NOW
    + """
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
"""
)

LEAVE = """
local id, info, channel = ARGV[1], ARGV[2], ARGV[3]
if redis.call('HGET', KEYS[2], id) ~= info then
  return 0
end
redis.call('ZREM', KEYS[1], id)
redis.call('HDEL', KEYS[2], id)
redis.call('PUBLISH', channel, cjson.encode({ type = 'leave', id = id }))
return 1
"""


def membership_keys(cluster):
    return f"{{{cluster}}}:members", f"{{{cluster}}}:member-info", f"{{{cluster}}}:membership"


class Lease:
    """Held while the last successful refresh, counted from when it was sent, is younger than the duration."""

    def __init__(self, duration_ms):
        self.duration_ms = duration_ms
        self._expires_at = float("-inf")

    @property
    def held(self):
        return time.monotonic() * 1000 < self._expires_at

    def renewed(self, sent_at_ms):
        self._expires_at = max(self._expires_at, sent_at_ms + self.duration_ms)

    def release(self):
        self._expires_at = float("-inf")


class RedisMembership:
    def __init__(self, url, cluster="packetflow", ttl_ms=3000, heartbeat_ms=None, full_read_ms=1000):
        self.url = url
        self.cluster = cluster
        self.ttl_ms = ttl_ms
        self.heartbeat_ms = heartbeat_ms or max(1, ttl_ms // 3)
        if self.heartbeat_ms >= ttl_ms:
            raise ValueError(f"heartbeat_ms {self.heartbeat_ms} must be below ttl_ms {ttl_ms}")
        self.full_read_ms = full_read_ms
        self.keys = membership_keys(cluster)
        self.lease = Lease(ttl_ms - self.heartbeat_ms / 2)
        self._view = []
        self._listeners = []
        self._tasks = []
        self._leaving = False
        self._read_lock = asyncio.Lock()
        #: set while Redis cannot be reached; the last view is kept meanwhile
        self._unreachable = False
        #: members kept after Redis came back, until `_grace_until`, while they re-register
        self._carried_over = {}
        self._grace_until = 0.0

    async def start(self, self_info):
        self.self_info = self_info
        self._record = self_info.record()
        self._redis = aioredis.from_url(self.url, socket_timeout=self.ttl_ms / 1000, socket_connect_timeout=2)
        self._register = self._redis.register_script(REGISTER)
        self._read = self._redis.register_script(READ)
        self._leave = self._redis.register_script(LEAVE)
        self._pubsub = self._redis.pubsub()
        await self._pubsub.subscribe(self.keys[2])
        await self._refresh()
        self._view = await self._read_view()
        self._tasks = [
            asyncio.create_task(self._every(self.heartbeat_ms, self._refresh)),
            asyncio.create_task(self._every(self.full_read_ms, self._reread)),
            asyncio.create_task(self._announcements()),
        ]

    def members(self):
        return list(self._view)

    def members_ids(self):
        return [m.id for m in self._view]

    def admits(self, node_id):
        # Registering is what makes a member: any id that proved the secret may link.
        return True

    def on_change(self, listener):
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    async def leave(self):
        if self._leaving:
            return
        self._leaving = True
        self.lease.release()
        for task in self._tasks:
            task.cancel()
        try:
            await asyncio.wait_for(
                self._leave(keys=list(self.keys[:2]), args=[self.self_info.id, self._record, self.keys[2]]),
                self.ttl_ms / 1000,
            )
        except Exception as error:  # Redis gone: the record expires after its TTL anyway
            log.warning("could not deregister %s; its record expires after its TTL: %s", self.self_info.id, error)
        await self.close()

    async def close(self):
        """Stops without deregistering, as a crash would (the record expires)."""
        self._leaving = True
        for task in self._tasks:
            task.cancel()
        try:
            await self._pubsub.aclose() if hasattr(self._pubsub, "aclose") else await self._pubsub.close()
            await self._redis.close(close_connection_pool=True)
        except Exception:  # already disconnected
            pass

    async def _every(self, period_ms, action):
        while True:
            await asyncio.sleep(period_ms / 1000)
            if self._unreachable:
                # Redis may come back empty (a restart): the others get one TTL from its return to re-register
                # before their absence counts, so that nobody drops everybody (and moves their actors) for it.
                self._carried_over = {m.id: m for m in self._view if m.id != self.self_info.id}
                self._grace_until = time.monotonic() + self.ttl_ms / 1000
            try:
                if self._unreachable:
                    await self._refresh()
                await action()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                if not self._unreachable:
                    log.warning("redis unreachable (%s): keeping the last view and retrying: %s", action.__name__, error)
                self._unreachable = True
                continue
            if self._unreachable:
                self._unreachable = False
                log.warning("redis reachable again: re-registered")

    async def _refresh(self):
        sent_at = time.monotonic() * 1000
        outcome = await self._register(
            keys=list(self.keys[:2]),
            args=[self.self_info.id, self._record, self.ttl_ms, self.self_info.startedAt, self.keys[2]],
        )
        if outcome == -1:
            log.warning("%s is registered by a newer process; no longer refreshing", self.self_info.id)
            return
        if not self._leaving:
            self.lease.renewed(sent_at)

    async def _read_view(self):
        reply = await self._read(keys=list(self.keys[:2]), args=[self.keys[2]])
        records = {}
        for i in range(0, len(reply) - 1, 2):
            member_id = reply[i].decode() if isinstance(reply[i], bytes) else str(reply[i])
            raw = reply[i + 1].decode() if isinstance(reply[i + 1], bytes) else str(reply[i + 1])
            try:
                member = parse_member_info(json.loads(raw))
                if member.id != member_id:
                    raise ValueError(f"its id is {member.id}")
                records[member_id] = member
            except ValueError as error:
                log.warning("ignoring the malformed membership record of %s: %s", member_id, error)
        # Self is always in its own view, even between a Redis restart and its re-registration.
        records[self.self_info.id] = self.self_info
        for member_id in records:
            self._carried_over.pop(member_id, None)
        if time.monotonic() < self._grace_until:
            for member_id, member in self._carried_over.items():
                records[member_id] = member
        else:
            self._carried_over.clear()
        return sorted(records.values(), key=lambda m: m.id)

    async def _reread(self):
        async with self._read_lock:
            view = await self._read_view()
            if not self._leaving and view != self._view:
                self._view = view
                for listener in list(self._listeners):
                    listener(view)

    async def _announcements(self):
        while True:
            try:
                message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.warning("membership channel failed; the periodic read goes on: %s", error)
                await asyncio.sleep(self.heartbeat_ms / 1000)
                continue
            if message is not None:
                announcement = message.get("data")
                try:
                    parsed = json.loads(announcement)
                    if parsed.get("type") in ("leave", "expired"):
                        self._carried_over.pop(parsed.get("id"), None)
                except (ValueError, TypeError, AttributeError):
                    log.warning("ignoring a malformed membership announcement: %r", announcement)
                    continue
                try:
                    await self._reread()
                except Exception as error:
                    log.warning("membership read failed; retrying: %s", error)
