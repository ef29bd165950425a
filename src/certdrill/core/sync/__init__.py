"""Sync between a learner's machines: the pure rules (clock, events, ordering, last-writer-wins, replay)."""
