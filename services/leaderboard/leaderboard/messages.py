"""
The leaderboard's messages, as the protocol registry has them (PROTOCOL.md §8):

- `RecordScore` (a tell, or an ask answered `Ack`): a `LeaderboardScore`, the score `player_id` made in one match of
  the actor's mode, with the player's display name when the match knew it. The board keeps each player's best score
  and latest name, so a score sent twice changes nothing.
- `GetTopScores` (no fields) → `TopScores`: a `Leaderboard` of the mode and its top 10 entries, best first, ties by
  player id.
"""

from dataclasses import dataclass
from typing import Optional

from packetflow.messages import table_class

KIND = "leaderboard"
RECORD_SCORE = "RecordScore"
GET_TOP_SCORES = "GetTopScores"
TOP_SCORES = "TopScores"
TOP = 10


@dataclass(frozen=True)
class Entry:
    """One player's standing on a board: their best score and the latest name they played under (None if never one)."""

    player_id: str
    name: Optional[str]
    score: int


def record_score(player_id, score, name=None):
    body = table_class("LeaderboardScore")()
    body.playerId = player_id
    body.name = name
    body.score = score
    return body


def top_scores(mode, entries):
    """The TopScores body of a board's entries."""
    body = table_class("Leaderboard")()
    body.mode = mode
    body.entries = [record_score(entry.player_id, entry.score, entry.name) for entry in entries]
    return body


def read_top_scores(body):
    return [Entry(item.playerId, item.name, item.score) for item in body.entries]
