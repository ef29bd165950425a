"""Layout breakpoints shared by the screens."""

NARROW = 100
"""Columns below which screens switch to their narrow layout (the dashboard stacks the deck list above
the deck's panel; the mock exam's navigator shows 5 numbers a row, leaving the question more room)."""
