"""What the tests read out of PROTOCOL.md: the golden vectors of §9."""

import json
import os
import re

PROTOCOL_MD = os.path.join(os.path.dirname(__file__), "..", "..", "protocol", "PROTOCOL.md")


def golden_vectors():
    """(name, frame bytes, expected JSON, decode_only) for every vector on the page."""
    with open(PROTOCOL_MD, encoding="utf-8") as file:
        text = file.read()
    pattern = re.compile(r"### Vector (\(decode only\) )?`([^`]+)`[\s\S]*?```hex\n([\s\S]*?)```\s+```json\n([\s\S]*?)```")
    return [
        (name, bytes(int(h, 16) for h in hex_.split()), json.loads(expected), bool(decode_only))
        for decode_only, name, hex_, expected in pattern.findall(text)
    ]
