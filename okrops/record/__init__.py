"""git as the record: check-ins written as commits, and the history read back and verified.

Everything here talks to git through its own plumbing; :mod:`okrops.record.gitrefs` is the one
way a value from a user reaches a git command line.
"""
