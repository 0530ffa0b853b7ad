"""
Where boards are kept, written through on every score: Redis when REDIS_URL is set, else a SQLite file. Both keep
each player's best score and latest name, and order ties by player id, so they answer alike.
"""

import asyncio
import sqlite3

import redis.asyncio as aioredis

from .messages import Entry


class SqliteStore:
    def __init__(self, path):
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS entries ("
            " mode TEXT NOT NULL, player_id TEXT NOT NULL, name TEXT, score INTEGER NOT NULL,"
            " PRIMARY KEY (mode, player_id))"
        )
        # One writer at a time in this process: each actor awaits its own write, several actors share the file.
        self._lock = asyncio.Lock()

    async def record(self, mode, player_id, name, score):
        async with self._lock:
            await asyncio.to_thread(
                self._db.execute,
                "INSERT INTO entries (mode, player_id, name, score) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (mode, player_id) DO UPDATE SET"
                " score = max(score, excluded.score), name = coalesce(excluded.name, name)",
                (mode, player_id, name, score),
            )

    async def top(self, mode, limit):
        async with self._lock:
            rows = await asyncio.to_thread(
                lambda: self._db.execute(
                    "SELECT player_id, name, score FROM entries WHERE mode = ?"
                    " ORDER BY score DESC, player_id ASC LIMIT ?",
                    (mode, limit),
                ).fetchall()
            )
        return [Entry(player_id, name, score) for player_id, name, score in rows]

    async def close(self):
        self._db.close()


class RedisStore:
    """A sorted set `leaderboard:<mode>` of player ids by best score, and a hash `leaderboard:<mode>:names`."""

    def __init__(self, url, prefix="leaderboard"):
        self._redis = aioredis.from_url(url)
        self._prefix = prefix

    def _key(self, mode):
        return f"{self._prefix}:{mode}"

    async def record(self, mode, player_id, name, score):
        async with self._redis.pipeline(transaction=True) as both:
            # GT: a lower score than the player's best leaves it as it is.
            both.zadd(self._key(mode), {player_id: score}, gt=True)
            if name is not None:
                both.hset(f"{self._key(mode)}:names", player_id, name)
            await both.execute()

    async def top(self, mode, limit):
        key = self._key(mode)
        head = await self._redis.zrevrange(key, 0, limit - 1, withscores=True)
        if not head:
            return []
        # Redis orders equal scores by member, descending; everything tied with the last place is read to rank ties
        # by player id, ascending, as SQLite does.
        rows = await self._redis.zrangebyscore(key, head[-1][1], "+inf", withscores=True)
        ranked = sorted(((member.decode(), int(score)) for member, score in rows), key=lambda r: (-r[1], r[0]))[:limit]
        names = await self._redis.hmget(f"{key}:names", [player_id for player_id, _ in ranked])
        return [
            Entry(player_id, None if name is None else name.decode(), score)
            for (player_id, score), name in zip(ranked, names)
        ]

    async def close(self):
        await self._redis.close(close_connection_pool=True)
