"""The protocol registry: the message types TypeScript's createProtocolRegistry has, and the leaderboard's bodies."""

import pytest

from packetflow.errors import ErrorCode, ProtocolError
from packetflow.messages import protocol_registry, table_class, to_plain
from packetflow.schema import TABLE_LAYOUTS

registry = protocol_registry()
NOT_MESSAGES = {"Address", "Envelope", "Batch", "Role", "ItemStack", "PlayerSlot"}
# The leaderboard's messages go by the names of what they do, on its two tables.
RENAMED = {"LeaderboardScore": "RecordScore", "Leaderboard": "TopScores"}


def score(player_id, name, points):
    body = table_class("LeaderboardScore")()
    body.playerId, body.name, body.score = player_id, name, points
    return body


def test_every_table_of_the_schemas_is_a_message_type_as_in_typescript():
    tables = [t for t in TABLE_LAYOUTS if t not in NOT_MESSAGES]
    for table in tables:
        assert registry.has(RENAMED.get(table, table)), table
    assert registry.has("GetTopScores") and registry.body_class("GetTopScores") is None
    for table in RENAMED:
        assert not registry.has(table), f"{table} travels as {RENAMED[table]} only"


def test_the_leaderboard_bodies_round_trip_with_and_without_names():
    recorded = score("guest-1", "Åsa ☃", 0xFFFFFFFF)
    decoded = registry.decode("RecordScore", registry.encode("RecordScore", recorded))
    assert to_plain(decoded) == {"playerId": "guest-1", "name": "Åsa ☃", "score": 0xFFFFFFFF}
    board = table_class("Leaderboard")()
    board.mode, board.entries = "touch", [score("guest-1", "Ada", 7), score("guest-2", None, 3)]
    decoded = registry.decode("TopScores", registry.encode("TopScores", board))
    assert to_plain(decoded) == {
        "mode": "touch",
        "entries": [
            {"playerId": "guest-1", "name": "Ada", "score": 7},
            {"playerId": "guest-2", "name": None, "score": 3},
        ],
    }


def test_a_score_without_its_player_or_a_top_scores_request_with_a_body_is_malformed():
    with pytest.raises(ProtocolError, match="player_id is required") as caught:
        registry.decode("RecordScore", registry.encode("RecordScore", score(None, "Ada", 1)))
    assert caught.value.code == ErrorCode.MALFORMED_PACKET
    with pytest.raises(ProtocolError, match="carries no fields") as caught:
        registry.decode("GetTopScores", registry.encode("RecordScore", score("guest-1", None, 1)))
    assert caught.value.code == ErrorCode.MALFORMED_PACKET
