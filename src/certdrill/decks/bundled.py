"""Where the decks that ship with certdrill live, installed or in a source checkout."""

from __future__ import annotations

import re
from collections.abc import Mapping
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


# A bundled deck.yaml's top-level `id: aws-mla-c02` and `version: 2026.12.0` lines, when written in
# these plain forms, which YAML reads as the same strings. Read by hand on purpose: importing PyYAML
# would cost a quarter of a read-only command's time (benchmarks/bench_cli.py) for two values of our
# own files; anything else (quotes, comments, other forms) is read with PyYAML.
_PLAIN = re.compile(r"^id: ([a-z0-9]*[a-z][a-z0-9]*(?:-[a-z0-9]+)*)$|^version: (\d+\.\d+\.\d+)$", re.MULTILINE)


def _id_and_version(header: Path) -> tuple[str, str] | None:
    """A deck.yaml's id and version; None when they cannot be read (the full check then says why)."""
    try:
        text = header.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    found = _PLAIN.findall(text)
    ids, versions = [i for i, _ in found if i], [v for _, v in found if v]
    if len(ids) == 1 and len(versions) == 1 and text.count("\nid:") + text.startswith("id:") == 1 \
            and text.count("\nversion:") + text.startswith("version:") == 1:
        return ids[0], versions[0]
    import yaml

    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("id"), str) or data.get("version") is None:
        return None
    return data["id"], str(data["version"])


def outdated_decks(known: Mapping[str, str], root: Path | None = None) -> list[Path]:
    """The bundled deck folders not in the database at their shipped version (`known`: id ->
    version of the bundled decks it holds): those a start must load or upgrade."""
    out = []
    for path in bundled_deck_paths(root):
        found = _id_and_version(path / "deck.yaml")
        if found is None or known.get(found[0]) != found[1]:
            out.append(path)
    return out
