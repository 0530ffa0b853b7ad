"""A TypeScript member records scores on a Python leaderboard and reads its top 10, as game-logic and the gateway will."""

import asyncio
import uuid

from leaderboard.behavior import leaderboard_behavior
from leaderboard.messages import KIND
from leaderboard.store import SqliteStore
from packetflow.node import Node
from packetflow.redis_membership import RedisMembership
from processes import Member, RedisServer
from support import SECRET, run, until


@run
async def test_a_typescript_member_records_scores_and_reads_the_top(tmp_path):
    redis = await RedisServer.start()
    cluster = f"l{uuid.uuid4().hex[:8]}"
    ts = await Member.typescript("ts-game", {"SECRET": SECRET, "REDIS_URL": redis.url, "CLUSTER": cluster,
                                             "ROLES": "watcher", "TTL_MS": "1500"})
    store = SqliteStore(str(tmp_path / "leaderboard.sqlite"))
    membership = RedisMembership(redis.url, cluster=cluster, ttl_ms=1500, heartbeat_ms=300, full_read_ms=300)
    board = Node("board-1", SECRET, membership)
    board.register(KIND, leaderboard_behavior(store))
    await board.start()
    try:
        await until(lambda: "ts-game" in board.live_members(), what="linked to ts-game")
        for _ in range(200):
            if "board-1" in (await ts.command(op="owner", kind=KIND, id="ffa"))["live"]:
                break
            await asyncio.sleep(0.02)
        for player, name, score in [("ann", "Ann", 30), ("bob", None, 50), ("cy", "Cy", 40), ("ann", "Anna", 10)]:
            answer = await ts.command(op="ask", kind=KIND, id="ffa", type="RecordScore", player=player, name=name,
                                      score=score)
            assert answer["reply"] is None, answer
        answer = await ts.command(op="top", mode="ffa")
        assert answer == {"seq": answer["seq"], "type": "TopScores", "mode": "ffa",
                          "top": [["bob", None, 50], ["cy", "Cy", 40], ["ann", "Anna", 30]]}
        answer = await ts.command(op="top", mode="not a mode")
        assert answer["error"]["name"] == "RefusedError"
    finally:
        await board.close()
        await store.close()
        await ts.stop()
        await redis.stop()
