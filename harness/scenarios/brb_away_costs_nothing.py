"""Away clients cost (almost) nothing per posted line (PROTOCOL.md, /brb; labs/brb/README.md,
question 4): context switches of the server's threads per posted line with 4 present
clients, then with 16 more away, in the same run (harness/away_cost.py says how)."""

from away_cost import check_away_cost

NAME = "brb_away_costs_nothing"
TAGS = ["brb"]
TIME_LIMIT = 120


def run(server_binary, ctx):
    check_away_cost(ctx, present_count=4, away_count=16, lines=40)
