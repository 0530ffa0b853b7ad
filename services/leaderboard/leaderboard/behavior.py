"""`leaderboard/<mode>`: one actor per game mode, whose one-at-a-time mailbox orders the writes to its board."""

import re

from packetflow.actors import Behavior, Message
from packetflow.errors import RefusedError

from .messages import GET_TOP_SCORES, RECORD_SCORE, TOP, TOP_SCORES, top_scores

MODE = re.compile(r"[A-Za-z0-9_-]{1,64}")
MAX_PLAYER_ID = 128
# The gateway takes display names of up to 32 characters; twice that leaves room without storing whatever comes.
MAX_NAME = 64
# A board's actor holds nothing but its mode (the scores are in the store): one idle this long is dropped, so that
# modes asked for once (any the gateway lets through) do not stay in memory.
IDLE_TIMEOUT_MS = 60_000


def leaderboard_behavior(store, idle_timeout_ms=IDLE_TIMEOUT_MS):
    def initial(mode):
        if not MODE.fullmatch(mode):
            raise RefusedError(f"mode {mode!r} is not 1-64 letters, digits, _ or -")
        return {"mode": mode}

    async def record(msg, ctx):
        player_id, name = msg.body.playerId, msg.body.name
        if not player_id or len(player_id) > MAX_PLAYER_ID:
            raise RefusedError(f"RecordScore needs a player id of 1-{MAX_PLAYER_ID} characters")
        if name is not None and len(name) > MAX_NAME:
            raise RefusedError(f"RecordScore's name is {len(name)} characters long, more than {MAX_NAME}")
        # An empty name is no name: the entry keeps the one it had.
        await store.record(ctx.state["mode"], player_id, name or None, msg.body.score)

    async def top(msg, ctx):
        return Message(TOP_SCORES, top_scores(ctx.state["mode"], await store.top(ctx.state["mode"], TOP)))

    return Behavior(
        initial=initial, handlers={RECORD_SCORE: record, GET_TOP_SCORES: top}, idle_timeout_ms=idle_timeout_ms
    )
