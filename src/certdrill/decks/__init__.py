"""Deck files: format v1 (schema, loader, lint), importers and exporters."""
