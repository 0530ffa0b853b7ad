"""
Runs a leaderboard node: `python3 -m leaderboard.main` with PYTHONPATH holding this folder and shared/python.
Configured like every node (packetflow.config: PACKETFLOW_NODE_ID, PACKETFLOW_SECRET, REDIS_URL or PACKETFLOW_PEERS,
…); boards go to Redis when REDIS_URL is set, else to PACKETFLOW_DATA_DIR/leaderboard.sqlite (./data by default).
Logs JSON lines as the TypeScript services do, `node started` once it has joined; leaves gracefully on SIGTERM,
SIGINT, or when the launcher that started it is gone.
"""

import asyncio
import logging
import os
import signal
import sys

from packetflow.config import NodeConfigError, node_options
from packetflow.json_logs import log_json_lines
from packetflow.node import Node
from packetflow.parent_watch import on_parent_gone

from .behavior import leaderboard_behavior
from .messages import KIND
from .store import RedisStore, SqliteStore

log = logging.getLogger("leaderboard")


def store_from_env(env):
    if env.get("REDIS_URL"):
        return RedisStore(env["REDIS_URL"]), "redis"
    data_dir = env.get("PACKETFLOW_DATA_DIR", "data")
    os.makedirs(data_dir, exist_ok=True)
    path = os.path.join(data_dir, "leaderboard.sqlite")
    return SqliteStore(path), path


async def main(env):
    try:
        options = node_options(env)
    except NodeConfigError as error:
        print(f"leaderboard: configuration refused:\n{error}", file=sys.stderr)
        return 2
    log_json_lines("leaderboard", options["node_id"], env.get("LOG_LEVEL", "info"))
    store, where = store_from_env(env)
    node = Node(**options)
    node.register(KIND, leaderboard_behavior(store))
    await node.start()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    on_parent_gone(env, stop.set)
    log.info("node started", extra={"fields": {
        "pid": os.getpid(), "address": node.address, "roles": node.roles, "store": where,
    }})
    await stop.wait()
    await node.leave()
    await store.close()
    log.info("node left")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(dict(os.environ))))
