"""Redis membership with a real redis-server: the records TypeScript reads, joins, leaves, expiry, the lease."""

import asyncio
import json
import uuid

import redis.asyncio as aioredis

from packetflow.actors import Message
from packetflow.frames import Address
from packetflow.membership import parse_member_info
from packetflow.node import Node
from packetflow.redis_membership import LEAVE, READ, REGISTER, RedisMembership, membership_keys
from processes import RedisServer
from support import SECRET, bump_registry, counter, run, stats, until


async def member(node_id, redis_url, cluster, ttl_ms=900, heartbeat_ms=300, full_read_ms=300):
    membership = RedisMembership(
        redis_url, cluster=cluster, ttl_ms=ttl_ms, heartbeat_ms=heartbeat_ms, full_read_ms=full_read_ms
    )
    node = Node(node_id, SECRET, membership, registry=bump_registry())
    node.register("counter", counter(node_id))
    return await node.start()


@run
async def test_members_register_see_each_other_and_leave():
    redis = await RedisServer.start()
    cluster = f"m{uuid.uuid4().hex[:8]}"
    a = await member("py-a", redis.url, cluster)
    b = await member("py-b", redis.url, cluster)
    client = aioredis.from_url(redis.url)
    try:
        await until(lambda: set(a.live_members()) == {"py-a", "py-b"} == set(b.live_members()), what="both linked")
        members, infos, _ = membership_keys(cluster)
        record = json.loads(await client.hget(infos, "py-b"))
        # The record TypeScript's parseMemberInfo reads: id, the kinds hosted as roles, host:port, startedAt.
        assert list(record) == ["id", "roles", "address", "startedAt"]
        assert record["roles"] == ["counter"] and parse_member_info(record) == b.info
        assert a.membership.lease.held
        on_b = next(f"c-{i}" for i in range(100) if a.owner_of("counter", f"c-{i}") == "py-b")
        assert (await a.ask(Address("counter", on_b), Message("Bump", stats("x")))).body.playerId == "py-b"
        await b.leave()
        await until(lambda: a.live_members() == ["py-a"], what="the leave seen")
        assert await client.hget(infos, "py-b") is None and await client.zscore(members, "py-b") is None
        assert (await a.ask(Address("counter", on_b), Message("Bump", stats("x")))).body.playerId == "py-a"
    finally:
        await client.close(close_connection_pool=True)
        await asyncio.gather(a.close(), b.close())
        await redis.stop()


@run
async def test_a_member_that_stops_refreshing_expires_and_its_record_is_removed():
    redis = await RedisServer.start()
    cluster = f"m{uuid.uuid4().hex[:8]}"
    a = await member("py-a", redis.url, cluster)
    b = await member("py-b", redis.url, cluster)
    try:
        await until(lambda: set(a.membership.members_ids()) == {"py-a", "py-b"}, what="both registered")
        # Stopped without deregistering, as a crash would: its record lapses after the TTL.
        await b.close()
        await until(lambda: a.membership.members_ids() == ["py-a"], timeout_s=5, what="the expiry")
    finally:
        await asyncio.gather(a.close(), b.close())
        await redis.stop()


@run
async def test_the_lease_outlives_redis_while_every_member_answers_and_lapses_when_one_stops():
    redis = await RedisServer.start()
    cluster = f"m{uuid.uuid4().hex[:8]}"
    a = await member("py-a", redis.url, cluster)
    b = await member("py-b", redis.url, cluster)
    try:
        await until(lambda: set(a.live_members()) == {"py-a", "py-b"}, what="both linked")
        own = next(f"c-{i}" for i in range(100) if a.owner_of("counter", f"c-{i}") == "py-a")
        assert a.owns("counter", own) and not b.owns("counter", own)
        await redis.stop()
        # Past the TTL without a refresh: the Redis lease has lapsed, but b answers a's heartbeats, so nobody can
        # have dropped a and it still owns its actors.
        await until(lambda: not a.membership.lease.held, timeout_s=5, what="the Redis lease lapsing")
        assert a.owns("counter", own)
        await b.close()
        await until(lambda: not a.owns("counter", own), timeout_s=5, what="the lease lapsing once b is silent")
    finally:
        await asyncio.gather(a.close(), b.close())
        await redis.stop()


@run
async def test_a_redis_restart_drops_nobody():
    redis = await RedisServer.start()
    cluster = f"m{uuid.uuid4().hex[:8]}"
    # b refreshes slowly: a reads Redis back before b has re-registered, and must keep it meanwhile.
    a = await member("py-a", redis.url, cluster, ttl_ms=3000, heartbeat_ms=200)
    b = await member("py-b", redis.url, cluster, ttl_ms=3000, heartbeat_ms=1500, full_read_ms=1500)
    dropped = []
    a.membership.on_change(lambda view: dropped.append(view) if len(view) < 2 else None)
    try:
        await until(lambda: set(a.live_members()) == {"py-a", "py-b"}, what="both linked")
        port = redis.port
        await redis.stop()
        await asyncio.sleep(0.5)
        redis = await RedisServer.start(port=port)
        # Redis came back empty; both re-register within a heartbeat, and meanwhile each keeps the other.
        await until(lambda: a.membership._unreachable is False and b.membership._unreachable is False, timeout_s=10,
                    what="both back on Redis")
        await asyncio.sleep(2)
        assert dropped == [] and set(a.live_members()) == {"py-a", "py-b"}
    finally:
        await asyncio.gather(a.close(), b.close())
        await redis.stop()


def test_the_lua_scripts_are_the_typescript_ones():
    """Both languages' members write one view of Redis: their scripts must be the same, character for character."""
    import pathlib
    import subprocess

    scripts = pathlib.Path(__file__).resolve().parents[2] / "actors" / "dist" / "src" / "membership" / "redis-scripts.js"
    printed = subprocess.run(
        ["node", "--input-type=module", "-e",
         f"const s = await import({json.dumps(scripts.as_uri())}); "
         "console.log(JSON.stringify([s.registerScript, s.readScript, s.leaveScript]))"],
        check=True, capture_output=True, text=True,
    ).stdout
    register, read, leave = json.loads(printed)
    assert REGISTER == register
    assert READ == read
    assert LEAVE == leave
