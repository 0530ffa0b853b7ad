"""leaderboard/<mode> over the wire, on SQLite and on Redis: best scores, latest names, the top 10, write-through,
refusals; and the service's process."""

import asyncio
import json
import os
import socket
import sys
import tempfile

import pytest

from leaderboard.behavior import leaderboard_behavior
from leaderboard.messages import GET_TOP_SCORES, KIND, RECORD_SCORE, read_top_scores, record_score
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


async def pair(store, ports, **behavior):
    """A node hosting the leaderboard on `store` and a client node hosting nothing, linked."""
    listed = members(*ports)
    board = Node("board-1", SECRET, StaticMembership(listed), port=ports[0])
    board.register(KIND, leaderboard_behavior(store, **behavior))
    client = Node("client-1", SECRET, StaticMembership(listed), roles=[], port=ports[1])
    await asyncio.gather(board.start(), client.start())
    await until(lambda: set(client.live_members()) == {"board-1", "client-1"}, what="linked")
    return board, client


async def top(client, mode):
    reply = await client.ask(Address(KIND, mode), Message(GET_TOP_SCORES))
    assert reply.type == "TopScores" and reply.body.mode == mode
    return [(e.player_id, e.name, e.score) for e in read_top_scores(reply.body)]


async def exercise(store_factory):
    """Records scores, reads the top 10, then restarts the board on the same store and reads it again."""
    ports = (free_port(), free_port())
    store = store_factory()
    board, client = await pair(store, ports)
    try:
        for i in range(12):
            client.tell(Address(KIND, "ffa"), Message(RECORD_SCORE, record_score(f"p-{i:02d}", 100 + i, f"P{i}")))
        # A lower score later does not replace the best, but its name is the player's latest.
        assert await client.ask(Address(KIND, "ffa"), Message(RECORD_SCORE, record_score("p-11", 5, "Eleven"))) is None
        # No name (or an empty one) keeps the one the player had.
        await client.ask(Address(KIND, "ffa"), Message(RECORD_SCORE, record_score("p-10", 1)))
        await client.ask(Address(KIND, "ffa"), Message(RECORD_SCORE, record_score("p-09", 1, "")))
        # A tie ranks by player id; a player never named has no name.
        await client.ask(Address(KIND, "ffa"), Message(RECORD_SCORE, record_score("a-tied", 110)))
        await client.ask(Address(KIND, "duel"), Message(RECORD_SCORE, record_score("p-00", 7, "Zero")))
        expected = [("p-11", "Eleven", 111), ("a-tied", None, 110), ("p-10", "P10", 110)] + [
            (f"p-{i:02d}", f"P{i}", 100 + i) for i in range(9, 2, -1)
        ]
        assert await top(client, "ffa") == expected
        assert await top(client, "duel") == [("p-00", "Zero", 7)]
        assert await top(client, "empty") == []
        # The largest score a LeaderboardScore holds (uint32) goes in and out unchanged.
        await client.ask(Address(KIND, "max"), Message(RECORD_SCORE, record_score("p-max", 0xFFFFFFFF, "Max")))
        assert await top(client, "max") == [("p-max", "Max", 0xFFFFFFFF)]
        with pytest.raises(RefusedError, match="mode"):
            await top(client, "no spaces allowed")
        with pytest.raises(RefusedError, match="player id"):
            await client.ask(Address(KIND, "ffa"), Message(RECORD_SCORE, record_score("", 1)))
        with pytest.raises(RefusedError, match="name"):
            await client.ask(Address(KIND, "ffa"), Message(RECORD_SCORE, record_score("p-1", 1, "n" * 65)))
        # Refusals leave the board as it was.
        assert await top(client, "ffa") == expected
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
async def test_a_board_idle_for_its_timeout_leaves_memory_and_its_scores_stay():
    with tempfile.TemporaryDirectory() as data:
        store = SqliteStore(os.path.join(data, "leaderboard.sqlite"))
        board, client = await pair(store, (free_port(), free_port()), idle_timeout_ms=100)
        try:
            await client.ask(Address(KIND, "ffa"), Message(RECORD_SCORE, record_score("p-1", 3, "Ada")))
            assert await top(client, "asked-once") == []
            assert {("leaderboard", "ffa"), ("leaderboard", "asked-once")} <= set(board.runtime.actors)
            await until(lambda: not board.runtime.actors, what="both boards dropped once idle")
            assert await top(client, "ffa") == [("p-1", "Ada", 3)]
        finally:
            await asyncio.gather(board.close(), client.close())
            await store.close()


async def started(process):
    """The service's `node started` line, past any line before it; every line on stdout is a JSON object."""
    while True:
        line = await asyncio.wait_for(process.stdout.readline(), 20)
        assert line, "the service exited before it started"
        fields = json.loads(line)
        assert {"level", "time", "service", "node", "msg"} <= set(fields), fields
        if fields["msg"] == "node started":
            return fields


async def start_service(data, ports, pass_fds=(), env=None):
    board_port, client_port = ports
    peers = f"board-1=127.0.0.1:{board_port}/{KIND},client-1=127.0.0.1:{client_port}"
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "leaderboard.main", stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
        pass_fds=pass_fds,
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join([SERVICE, SHARED_PYTHON]),
            "PACKETFLOW_NODE_ID": "board-1",
            "PACKETFLOW_PEERS": peers,
            "PACKETFLOW_SECRET": SECRET,
            "PACKETFLOW_DATA_DIR": data,
            **(env or {}),
        },
    )


async def stopped(process):
    if process.returncode is None:
        process.kill()
        await process.wait()


@run
async def test_the_service_process_joins_answers_and_leaves():
    ports = (free_port(), free_port())
    with tempfile.TemporaryDirectory() as data:
        process = await start_service(data, ports)
        client = None
        try:
            ready = await started(process)
            assert ready["service"] == "leaderboard" and ready["node"] == "board-1"
            assert ready["address"] == f"127.0.0.1:{ports[0]}" and ready["roles"] == [KIND]
            client = Node("client-1", SECRET, StaticMembership(members(*ports)), roles=[], port=ports[1])
            await client.start()
            await until(lambda: "board-1" in client.live_members(), what="linked")
            await client.ask(Address(KIND, "ffa"), Message(RECORD_SCORE, record_score("p-1", 42, "Ada")))
            assert await top(client, "ffa") == [("p-1", "Ada", 42)]
            process.terminate()
            assert await asyncio.wait_for(process.wait(), 20) == 0
            assert os.path.exists(os.path.join(data, "leaderboard.sqlite"))
        finally:
            await stopped(process)
            if client is not None:
                await client.close()


@run
async def test_the_service_leaves_when_the_launcher_that_started_it_is_gone():
    """The launcher (Node) starts it with an IPC channel; a SIGKILLed launcher closes it, and nothing else says so."""
    ours, theirs = socket.socketpair()
    with tempfile.TemporaryDirectory() as data:
        process = await start_service(data, (free_port(), free_port()), pass_fds=(theirs.fileno(),),
                                      env={"NODE_CHANNEL_FD": str(theirs.fileno())})
        theirs.close()
        try:
            await started(process)
            ours.close()
            assert await asyncio.wait_for(process.wait(), 20) == 0
        finally:
            ours.close()
            await stopped(process)


@run
async def test_a_bad_configuration_is_refused_with_the_reason():
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([SERVICE, SHARED_PYTHON]), "PACKETFLOW_PEERS": "x=nowhere"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "leaderboard.main", env=env, stderr=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.DEVNULL,
    )
    _, stderr = await process.communicate()
    assert process.returncode == 2 and b"PACKETFLOW_PEERS entry 1" in stderr
