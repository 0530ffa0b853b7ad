"""
Where boards are kept, written through on every score: Redis (a sorted set per mode) when REDIS_URL is set, else a
SQLite file. Both keep each player's best score and order ties by player id, so they answer alike.
"""

import asyncio
import sqlite3

import redis.asyncio as aioredis


def _ranked(rows, limit):
    return sorted(rows, key=lambda row: (-row[1], row[0]))[:limit]


class SqliteStore:
    def __init__(self, path):
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS best_scores ("
            " mode TEXT NOT NULL, player_id TEXT NOT NULL, score INTEGER NOT NULL, PRIMARY KEY (mode, player_id))"
        )
        # One writer at a time in this process: each actor awaits its own write, several actors share the file.
        self._lock = asyncio.Lock()

    async def record(self, mode, player_id, score):
        async with self._lock:
            await asyncio.to_thread(
                self._db.execute,
                "INSERT INTO best_scores (mode, player_id, score) VALUES (?, ?, ?)"
                " ON CONFLICT (mode, player_id) DO UPDATE SET score = max(score, excluded.score)",
                (mode, player_id, score),
            )

    async def top(self, mode, limit):
        async with self._lock:
            rows = await asyncio.to_thread(
                lambda: self._db.execute(
                    "SELECT player_id, score FROM best_scores WHERE mode = ?"
                    " ORDER BY score DESC, player_id ASC LIMIT ?",
                    (mode, limit),
                ).fetchall()
            )
        return [(player_id, score) for player_id, score in rows]

    async def close(self):
        self._db.close()


class RedisStore:
    def __init__(self, url, prefix="leaderboard"):
        self._redis = aioredis.from_url(url)
        self._prefix = prefix

    def _key(self, mode):
        return f"{self._prefix}:{mode}"

    async def record(self, mode, player_id, score):
        # GT: a lower score than the player's best leaves it as it is.
        await self._redis.zadd(self._key(mode), {player_id: score}, gt=True)

    async def top(self, mode, limit):
        key = self._key(mode)
        head = await self._redis.zrevrange(key, 0, limit - 1, withscores=True)
        if not head:
            return []
        # Redis orders equal scores by member, descending; everything tied with the last place is read to rank ties
        # by player id, ascending, as SQLite does.
        rows = await self._redis.zrangebyscore(key, head[-1][1], "+inf", withscores=True)
        return _ranked([(member.decode(), int(score)) for member, score in rows], limit)

    async def close(self):
        await self._redis.close(close_connection_pool=True)
