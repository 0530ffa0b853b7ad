"""
Who is registered in the cluster (PROTOCOL.md §6, §7): a member is its id, the actor kinds it hosts (`roles`), the
host:port it listens on and when its process started. Static membership is a fixed list; RedisMembership (in
redis_membership.py) keeps records with a TTL.
"""

import json
import re
from dataclasses import dataclass, field

_ADDRESS = re.compile(r".+:\d{1,5}")


@dataclass(frozen=True)
class MemberInfo:
    id: str
    roles: tuple
    address: str
    #: ms since the Unix epoch when the member's process started; a restarted member has a newer one
    startedAt: int

    def record(self):
        """The JSON record as TypeScript's JSON.stringify writes it: keys in this order, no spaces."""
        return json.dumps(
            {"id": self.id, "roles": list(self.roles), "address": self.address, "startedAt": self.startedAt},
            separators=(",", ":"),
            ensure_ascii=False,
        )


def parse_member_info(raw):
    """A member record from outside; raises ValueError saying why it is not one."""
    if not isinstance(raw, dict):
        raise ValueError("not an object")
    member_id, roles, address, started_at = (raw.get(k) for k in ("id", "roles", "address", "startedAt"))
    if not isinstance(member_id, str) or not member_id:
        raise ValueError("id is not a non-empty string")
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise ValueError("roles is not an array of strings")
    if not isinstance(address, str) or not _ADDRESS.fullmatch(address):
        raise ValueError("address is not host:port")
    if isinstance(started_at, float) and started_at.is_integer():
        started_at = int(started_at)
    if not isinstance(started_at, int) or isinstance(started_at, bool) or started_at < 0:
        raise ValueError("startedAt is not a non-negative integer")
    return MemberInfo(member_id, tuple(roles), address, started_at)


@dataclass
class StaticMembership:
    """Members from configuration. Only listed ids may link to this node; the view never changes."""

    configured: list
    _view: list = field(default_factory=list)
    lease = None

    async def start(self, self_info):
        others = [m for m in self.configured if m.id != self_info.id]
        self._view = sorted(others + [self_info], key=lambda m: m.id)

    def members(self):
        return list(self._view)

    def admits(self, node_id):
        return any(m.id == node_id for m in self.configured)

    def on_change(self, listener):
        return lambda: None

    async def leave(self):
        return None
