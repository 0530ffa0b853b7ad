"""leaderboard/<mode> over the wire, on SQLite and on Redis: best scores, the top 10, write-through, refusals."""

import asyncio
import json
import os
import sys
import tempfile

import pytest

from leaderboard.behavior import leaderboard_behavior
from leaderboard.messages import (
    GET_TOP_SCORES,
    KIND,
    RECORD_SCORE,
    leaderboard_registry,
    read_top_scores,
    record_score,
)
from leaderboard.store import RedisStore, SqliteStore
from packetflow.actors import Message
from packetflow.errors import RefusedError
from packetflow.frames import Address
from packetflow.membership import MemberInfo, StaticMembership
from packetflow.node import Node
from processes import RedisServer
from support import SECRET, free_port, run, until

SERVICE = os.path.join(os.path.dirname(__file__), "..")
SHARED_PYTHON = os.path.join(SERVICE, "..", "..", "shared", "python")


def members(board_port, client_port):
    return [
        MemberInfo("board-1", (KIND,), f"127.0.0.1:{board_port}", 0),
        MemberInfo("client-1", (), f"127.0.0.1:{client_port}", 0),
    ]


async def pair(store, ports):
    """A node hosting the leaderboard on `store` and a client node hosting nothing, linked."""
    listed = members(*ports)
    board = Node("board-1", SECRET, StaticMembership(listed), registry=leaderboard_registry(), port=ports[0])
    board.register(KIND, leaderboard_behavior(store))
    client = Node("client-1", SECRET, StaticMembership(listed), roles=[], registry=leaderboard_registry(), port=ports[1])
    await asyncio.gather(board.start(), client.start())
    await until(lambda: set(client.live_members()) == {"board-1", "client-1"}, what="linked")
    return board, client


async def top(client, mode):
    reply = await client.ask(Address(KIND, mode), Message(GET_TOP_SCORES))
    assert reply.type == "TopScores" and reply.body.playerId == mode
    return read_top_scores(reply.body)


async def exercise(store_factory):
    """Records scores, reads the top 10, then restarts the board on the same store and reads it again."""
    ports = (free_port(), free_port())
    store = store_factory()
    board, client = await pair(store, ports)
    try:
        for i in range(12):
            client.tell(Address(KIND, "ffa"), Message(RECORD_SCORE, record_score(f"p-{i:02d}", 100 + i)))
        # A lower score later does not replace the best; a tie ranks by player id.
        assert await client.ask(Address(KIND, "ffa"), Message(RECORD_SCORE, record_score("p-11", 5))) is None
        await client.ask(Address(KIND, "ffa"), Message(RECORD_SCORE, record_score("a-tied", 110)))
        await client.ask(Address(KIND, "duel"), Message(RECORD_SCORE, record_score("p-00", 7)))
        expected = [("p-11", 111), ("a-tied", 110), ("p-10", 110)] + [(f"p-{i:02d}", 100 + i) for i in range(9, 2, -1)]
        assert await top(client, "ffa") == expected
        assert await top(client, "duel") == [("p-00", 7)]
        assert await top(client, "empty") == []
        with pytest.raises(RefusedError, match="mode"):
            await top(client, "no spaces allowed")
        with pytest.raises(RefusedError, match="player id"):
            await client.ask(Address(KIND, "ffa"), Message(RECORD_SCORE, record_score("", 1)))
    finally:
        await asyncio.gather(board.close(), client.close())
        await store.close()
    # Written through: a new board on a new connection to the same store answers the same.
    store = store_factory()
    board, client = await pair(store, ports)
    try:
        assert await top(client, "ffa") == expected
    finally:
        await asyncio.gather(board.close(), client.close())
        await store.close()


@run
async def test_on_sqlite():
    with tempfile.TemporaryDirectory() as data:
        await exercise(lambda: SqliteStore(os.path.join(data, "leaderboard.sqlite")))


@run
async def test_on_redis():
    redis = await RedisServer.start()
    try:
        await exercise(lambda: RedisStore(redis.url))
    finally:
        await redis.stop()


@run
async def test_the_service_process_joins_answers_and_leaves():
    board_port, client_port = free_port(), free_port()
    peers = f"board-1=127.0.0.1:{board_port}/{KIND},client-1=127.0.0.1:{client_port}"
    with tempfile.TemporaryDirectory() as data:
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([SERVICE, SHARED_PYTHON]),
            "PACKETFLOW_NODE_ID": "board-1",
            "PACKETFLOW_PEERS": peers,
            "PACKETFLOW_SECRET": SECRET,
            "PACKETFLOW_DATA_DIR": data,
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "leaderboard.main", env=env, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        client = None
        try:
            ready = json.loads(await asyncio.wait_for(process.stdout.readline(), 20))
            assert ready == {"ready": f"127.0.0.1:{board_port}", "nodeId": "board-1"}
            client = Node("client-1", SECRET, StaticMembership(members(board_port, client_port)), roles=[],
                          registry=leaderboard_registry(), port=client_port)
            await client.start()
            await until(lambda: "board-1" in client.live_members(), what="linked")
            await client.ask(Address(KIND, "ffa"), Message(RECORD_SCORE, record_score("p-1", 42)))
            assert await top(client, "ffa") == [("p-1", 42)]
            process.terminate()
            assert await asyncio.wait_for(process.wait(), 20) == 0
            assert os.path.exists(os.path.join(data, "leaderboard.sqlite"))
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
            if client is not None:
                await client.close()


@run
async def test_a_bad_configuration_is_refused_with_the_reason():
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([SERVICE, SHARED_PYTHON]), "PACKETFLOW_PEERS": "x=nowhere"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "leaderboard.main", env=env, stderr=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.DEVNULL,
    )
    _, stderr = await process.communicate()
    assert process.returncode == 2 and b"PACKETFLOW_PEERS entry 1" in stderr
