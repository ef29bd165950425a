"""Deck format v1: the YAML reader, the schema check, the loader and the quality figures."""
