"""`leaderboard/<mode>`: one actor per game mode, whose one-at-a-time mailbox orders the writes to its board."""

import re

from packetflow.actors import Behavior, Message
from packetflow.errors import RefusedError

from .messages import GET_TOP_SCORES, RECORD_SCORE, TOP, TOP_SCORES, top_scores

MODE = re.compile(r"[A-Za-z0-9_-]{1,64}")
MAX_SCORE = 0xFFFFFFFF


def leaderboard_behavior(store):
    def initial(mode):
        if not MODE.fullmatch(mode):
            raise RefusedError(f"mode {mode!r} is not 1-64 letters, digits, _ or -")
        return {"mode": mode}

    async def record(msg, ctx):
        player_id = msg.body.playerId
        if not player_id or len(player_id) > 128:
            raise RefusedError("RecordScore needs a player id of 1-128 characters")
        await store.record(ctx.state["mode"], player_id, min(msg.body.score, MAX_SCORE))

    async def top(msg, ctx):
        return Message(TOP_SCORES, top_scores(ctx.state["mode"], await store.top(ctx.state["mode"], TOP)))

    return Behavior(initial=initial, handlers={RECORD_SCORE: record, GET_TOP_SCORES: top})
