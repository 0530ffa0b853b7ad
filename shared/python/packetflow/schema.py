"""The code flatc generated from the schemas (packetflow/generated) and the table layouts the verifier walks."""

import json
import os
import sys

GENERATED_DIR = os.path.join(os.path.dirname(__file__), "generated")

# flatc's Python imports its modules as the top-level package `PacketFlow`.
if GENERATED_DIR not in sys.path:
    sys.path.insert(0, GENERATED_DIR)

import PacketFlow.Game as Game  # noqa: E402
import PacketFlow.System as System  # noqa: E402
import PacketFlow.Wire as Wire  # noqa: E402

with open(os.path.join(GENERATED_DIR, "layouts.json"), encoding="utf-8") as _file:
    TABLE_LAYOUTS = json.load(_file)

__all__ = ["Game", "System", "Wire", "TABLE_LAYOUTS", "GENERATED_DIR"]
