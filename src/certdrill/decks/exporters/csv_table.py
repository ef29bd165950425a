"""Write a Deck as a headed CSV table (id, question, A..E, answer, explanation, choice notes, domain, tags)."""

from __future__ import annotations

import csv
from pathlib import Path

from certdrill.core.model import Deck

LETTERS = "ABCDEFGHIJ"


def write_csv(deck: Deck, path: Path) -> None:
    """One row per question; choices in letter columns, the answer as letters ('A, C'), and each
    choice's 'why' as a line "A: ..." of the choice notes column (which the importer reads back)."""
    width = max([5, *(len(q.choices) for q in deck.questions)])
    if width > len(LETTERS):
        width = len(LETTERS)
    names = {d.id: d.name for d in deck.domains}
    with path.open("w", encoding="utf-8", newline="") as f:
        # Anki-style header lines: prompts about HTML must stay literal text on the way back in. `#deck:`
        # names Anki's deck (certdrill's title); `#certdrill deck:` (which Anki ignores) is the deck id, so
        # importing the file again updates this deck.
        f.write(f"#separator:comma\n#html:false\n#deck:{' '.join(deck.title.split())}\n#certdrill deck:{deck.id}\n")
        out = csv.writer(f)
        out.writerow(["id", "question", *LETTERS[:width], "answer", "explanation", "choice notes", "domain", "tags",
                      "references"])
        for q in deck.questions:
            choices = [c.text for c in q.choices[:width]] + [""] * (width - len(q.choices))
            answer = ", ".join(LETTERS[i] for i in q.correct_indices) if q.choices else q.answer
            notes = "\n".join(f"{LETTERS[i]}: {' '.join(c.why.split())}" for i, c in enumerate(q.choices) if c.why)
            out.writerow([q.id, q.prompt, *choices, answer, q.explanation, notes, names.get(q.domain, q.domain),
                          " ".join(q.tags), " ".join(q.references)])
