"""The leaderboard service: `leaderboard/<mode>` actors keeping each player's best score in a game mode."""
