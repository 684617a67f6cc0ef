"""Practice health: check-in rhythm, alignment, outcome key results, scores and decisions, cycle over cycle."""
