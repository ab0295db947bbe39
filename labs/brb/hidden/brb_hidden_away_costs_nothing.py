"""Many away clients cost (almost) nothing per posted line (labs/brb/README.md, question 4):
the public brb_away_costs_nothing with twice as many away clients (harness/away_cost.py says
how it is counted)."""

from away_cost import check_away_cost

NAME = "brb_hidden_away_costs_nothing"
TAGS = ["brb", "hidden"]
TIME_LIMIT = 120


def run(server_binary, ctx):
    check_away_cost(ctx, present_count=4, away_count=32, lines=40)
