"""Exporters: a deck as format-v1 YAML, an Anki package or a CSV table."""
