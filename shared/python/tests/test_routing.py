"""PROTOCOL.md §6: the test values, and a table of owners computed by TypeScript's RendezvousRouter and by Python."""

import json
import os
import re
import subprocess

from packetflow.routing import Rendezvous, fnv1a32, key_hash
from protocol_md import PROTOCOL_MD

PROTOCOL_DIST = os.path.join(os.path.dirname(__file__), "..", "..", "protocol", "dist", "src", "index.js")


def test_the_documented_values_hold():
    assert fnv1a32("") == 0x811C9DC5
    assert fnv1a32("a") == 0xE40C292C
    assert fnv1a32("foobar") == 0xBF9CF968
    assert key_hash("match", "m-1") == 0x4B5DC7B3
    assert fnv1a32("node-a") == 0x04C3B593
    with open(PROTOCOL_MD, encoding="utf-8") as file:
        text = file.read().replace("\n", " ")
    documented = re.search(r"the owners of\s+`m-1` … `m-6` are ([^.]+)\.", text).group(1).replace("`", "")
    router = Rendezvous([(n, ["match"]) for n in ("node-a", "node-b", "node-c")])
    assert [router.owner("match", f"m-{i}") for i in range(1, 7)] == [s.strip() for s in documented.split(",")]


def test_owners_agree_with_typescript():
    member_sets = [
        [("node-a", ["match"]), ("node-b", ["match"]), ("node-c", ["match", "counter"])],
        [("ts-1", ["counter", "watcher"]), ("py-1", ["counter"]), ("py-2", ["counter", "leaderboard"])],
        [("gateway-1", ["room"]), ("hôte-ü", ["match", "room"]), ("ノード", ["match"]), ("b", ["match"])],
        [("logic-1", ["match", "physics"]), ("logic-2", ["match", "physics"]), ("phys-1", ["physics"])],
    ]
    kinds = ("match", "physics", "counter", "room", "leaderboard")
    keys = [(kind, f"{prefix}-{i}") for kind in kinds for prefix in ("m", "ü") for i in range(60)]
    script = """
        const { RendezvousRouter } = await import(process.argv[1]);
        const { sets, keys } = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
        const owners = sets.map((set) => {
          const router = new RendezvousRouter(set.map(([id, roles]) => ({ id, roles })));
          return keys.map(([kind, id]) => router.owner(kind, id)?.id ?? null);
        });
        process.stdout.write(JSON.stringify(owners));
    """
    assert os.path.exists(PROTOCOL_DIST), "build @packetflow/protocol first: npx turbo run build --filter=@packetflow/python"
    out = subprocess.run(
        ["node", "--input-type=commonjs", "-e", f"(async () => {{ {script} }})()", PROTOCOL_DIST],
        input=json.dumps({"sets": member_sets, "keys": keys}),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    typescript = json.loads(out)
    python = [[Rendezvous(set_).owner(kind, id_) for kind, id_ in keys] for set_ in member_sets]
    assert python == typescript
    assert sum(owner is not None for row in python for owner in row) > len(keys)


def test_a_physics_world_is_placed_with_its_match():
    router = Rendezvous([("logic-1", ["match", "physics"]), ("logic-2", ["match", "physics"]), ("logic-3", ["match", "physics"])])
    for i in range(200):
        assert router.owner("physics", f"m-{i}") == router.owner("match", f"m-{i}")
