"""
Runs a leaderboard node: `python3 -m leaderboard.main` with PYTHONPATH holding this folder and shared/python.
Configured like every node (packetflow.config: PACKETFLOW_NODE_ID, PACKETFLOW_SECRET, REDIS_URL or PACKETFLOW_PEERS,
…); boards go to Redis when REDIS_URL is set, else to PACKETFLOW_DATA_DIR/leaderboard.sqlite (./data by default).
Prints one JSON line once it has joined; leaves gracefully on SIGTERM or SIGINT.
"""

import asyncio
import json
import logging
import os
import signal
import sys

from packetflow.config import NodeConfigError, node_options
from packetflow.node import Node

from .behavior import leaderboard_behavior
from .messages import KIND, leaderboard_registry
from .store import RedisStore, SqliteStore


def store_from_env(env):
    if env.get("REDIS_URL"):
        return RedisStore(env["REDIS_URL"])
    data_dir = env.get("PACKETFLOW_DATA_DIR", "data")
    os.makedirs(data_dir, exist_ok=True)
    return SqliteStore(os.path.join(data_dir, "leaderboard.sqlite"))


async def main(env):
    try:
        options = node_options(env)
    except NodeConfigError as error:
        print(f"leaderboard: configuration refused:\n{error}", file=sys.stderr)
        return 2
    store = store_from_env(env)
    node = Node(registry=leaderboard_registry(), **options)
    node.register(KIND, leaderboard_behavior(store))
    await node.start()
    print(json.dumps({"ready": node.address, "nodeId": node.node_id}), flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    await stop.wait()
    await node.leave()
    await store.close()
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO").upper(), format="%(levelname)s %(name)s %(message)s")
    sys.exit(asyncio.run(main(dict(os.environ))))
