"""
Measures what issue 17 asks `npm run bench` to report, on this machine: the ask round trip TypeScript→Python,
Python→TypeScript and TypeScript→TypeScript in the same run, and one-way tells per second into a Python actor. Starts
its own redis-server and TypeScript members (tests/fixtures/ts-node.mjs; build @packetflow/actors first). Prints one
JSON line. Run: PYTHONPATH=shared/python /usr/bin/python3 shared/python/scripts/figures.py [asks] [tells]
"""

import asyncio
import json
import os
import statistics
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))

from packetflow.actors import Message  # noqa: E402
from packetflow.frames import Address  # noqa: E402
from packetflow.node import Node  # noqa: E402
from packetflow.redis_membership import RedisMembership  # noqa: E402
from processes import Member, RedisServer  # noqa: E402
from support import SECRET, bump_registry, counter, stats  # noqa: E402


def summary(times_ms):
    times = sorted(times_ms)
    return {"median_us": round(statistics.median(times) * 1000), "p99_us": round(times[int(len(times) * 0.99)] * 1000)}


async def main(asks, tells):
    redis = await RedisServer.start()
    env = {"SECRET": SECRET, "REDIS_URL": redis.url, "CLUSTER": f"f{uuid.uuid4().hex[:8]}", "TTL_MS": "3000"}
    ts_a = await Member.typescript("ts-a", {**env, "ROLES": "watcher"})
    ts_b = await Member.typescript("ts-b", {**env, "ROLES": "counter"})
    membership = RedisMembership(redis.url, cluster=env["CLUSTER"], ttl_ms=3000, heartbeat_ms=1000, full_read_ms=1000)
    py = Node("py-1", SECRET, membership, registry=bump_registry(), roles=["pycounter"])
    py.register("pycounter", counter("py-1"))
    await py.start()
    try:
        while set(py.live_members()) != {"ts-a", "ts-b", "py-1"}:
            await asyncio.sleep(0.05)
        await asyncio.sleep(1)
        on_ts = Address("counter", "rtt")
        for _ in range(50):
            await py.ask(on_ts, Message("Bump", stats("warm")))
        py_to_ts = []
        for _ in range(asks):
            started = time.perf_counter()
            await py.ask(on_ts, Message("Bump", stats("py")))
            py_to_ts.append((time.perf_counter() - started) * 1000)
        ts_to_py = (await ts_a.command(op="rtt", kind="pycounter", id="rtt", count=asks, timeout_s=120))["times"]
        ts_to_ts = (await ts_a.command(op="rtt", kind="counter", id="rtt", count=asks, timeout_s=120))["times"]
        flood = await ts_a.command(op="flood", kind="pycounter", id="flood", count=tells, timeout_s=300)
        assert flood.get("handled") == tells + 1, flood
        figures = {
            "asks": asks,
            "ask_rtt_ts_to_python": summary(ts_to_py[50:]),
            "ask_rtt_python_to_ts": summary(py_to_ts),
            "ask_rtt_ts_to_ts": summary(ts_to_ts[50:]),
            "tells_per_second_into_python": round(tells / (flood["ms"] / 1000)),
            "tells": tells,
        }
        print(json.dumps(figures))
    finally:
        await py.close()
        await asyncio.gather(ts_a.stop(), ts_b.stop())
        await redis.stop()


asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000, int(sys.argv[2]) if len(sys.argv) > 2 else 20000))
