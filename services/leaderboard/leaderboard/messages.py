"""
The leaderboard's message types, on tables the schemas already have:

- `RecordScore` (a tell, or an ask answered `Ack`): a `PlayerStats` whose `player_id` scored `score` in one match of
  the actor's mode. The board keeps each player's best score, so a score sent twice changes nothing.
- `GetTopScores` (no fields) → `TopScores`: an `Inventory` whose `player_id` is the mode and whose `items` are the top
  10 players, best first (ties by player id), each an `ItemStack` with `item` = the player id, `count` = the score.
"""

from packetflow.messages import protocol_registry, table_class

KIND = "leaderboard"
RECORD_SCORE = "RecordScore"
GET_TOP_SCORES = "GetTopScores"
TOP_SCORES = "TopScores"
TOP = 10


def leaderboard_registry(registry=None):
    registry = registry or protocol_registry()
    registry.register(RECORD_SCORE, "PlayerStats")
    registry.register_empty(GET_TOP_SCORES)
    registry.register(TOP_SCORES, "Inventory")
    return registry


def record_score(player_id, score):
    body = table_class("PlayerStats")()
    body.playerId = player_id
    body.score = score
    return body


def top_scores(mode, entries):
    """The TopScores body of (player id, score) pairs."""
    body = table_class("Inventory")()
    body.playerId = mode
    body.items = []
    for player_id, score in entries:
        item = table_class("ItemStack")()
        item.item = player_id
        item.count = score
        body.items.append(item)
    return body


def read_top_scores(body):
    return [(item.item, item.count) for item in body.items]
