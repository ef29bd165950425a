"""Importers: Anki packages, CSV/TSV tables and URLs, read safely into format-v1 decks."""
