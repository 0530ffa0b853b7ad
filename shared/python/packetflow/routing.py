"""Rendezvous (highest-random-weight) hashing, as PROTOCOL.md §6 defines it, so Python places actors where TypeScript does."""

FNV_OFFSET = 0x811C9DC5
FNV_PRIME = 0x01000193
MASK = 0xFFFFFFFF


def fnv1a32(data, seed=FNV_OFFSET):
    """FNV-1a over bytes, or over the UTF-8 of a str."""
    if isinstance(data, str):
        data = data.encode("utf-8", errors="replace")
    h = seed
    for byte in data:
        h = ((h ^ byte) * FNV_PRIME) & MASK
    return h


def fmix32(h):
    """MurmurHash3's finalizer."""
    h &= MASK
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & MASK
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & MASK
    h ^= h >> 16
    return h


def key_hash(kind, id_):
    return fnv1a32(kind.encode("utf-8") + b"\x00" + id_.encode("utf-8"))


# Kinds placed with another kind (PROTOCOL.md section 6): such an actor is placed by the key of the other kind's
# actor of the same id, so a member hosting both kinds gets both.
PLACED_WITH = {"physics": "match"}


def placement_key(kind, id_):
    return key_hash(PLACED_WITH.get(kind, kind), id_)


def weight(member_hash, key):
    return fmix32(member_hash ^ key)


class Rendezvous:
    """The owner of `(kind, id)` among members that host `kind`; members are (id, roles) pairs."""

    def __init__(self, members=()):
        self.set_members(members)

    def set_members(self, members):
        by_kind = {}
        # Sorted by UTF-8 bytes so that on equal weights the smallest id, met first, keeps the key.
        for member_id, roles in sorted(members, key=lambda m: m[0].encode("utf-8")):
            member_hash = fnv1a32(member_id)
            for role in set(roles):
                by_kind.setdefault(role, []).append((member_id, member_hash))
        self._by_kind = by_kind
        self.member_ids = [m[0] for m in members]

    def owner(self, kind, id_):
        """The owning member's id, or None when no member hosts `kind`."""
        candidates = self._by_kind.get(kind)
        if not candidates:
            return None
        key = placement_key(kind, id_)
        best, best_weight = None, -1
        for member_id, member_hash in candidates:
            w = weight(member_hash, key)
            if w > best_weight:
                best, best_weight = member_id, w
        return best
