"""Where the decks that ship with certdrill live, installed or in a source checkout."""

from __future__ import annotations

from pathlib import Path


def bundled_decks_dir() -> Path:
    """The folder of bundled decks: inside the wheel, else the repository's top-level decks/."""
    packaged = Path(__file__).resolve().parent.parent / "bundled_decks"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "decks"


def bundled_deck_paths(root: Path | None = None) -> list[Path]:
    """Every deck folder under the bundled-decks root, in name order."""
    base = root if root is not None else bundled_decks_dir()
    if not base.is_dir():
        return []
    return sorted(p for p in base.iterdir() if (p / "deck.yaml").is_file())
