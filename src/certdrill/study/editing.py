"""Edit one question of the learner's own deck in their editor: written as format-v1 YAML, checked
by the deck loader on the way back (nothing saved while anything is wrong), saved keeping its history."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session, col

from certdrill.decks.exporters.yaml_deck import deck_yaml, question_file_yaml
from certdrill.decks.format.loader import load_deck
from certdrill.errors import CertdrillError
from certdrill.storage.convert import deck_from_rows, question_from_row
from certdrill.storage.tables import DeckRow, DomainRow, QuestionRow
from certdrill.study.library import BUNDLED, save_question

GUIDE = """\
# Edit this question of your deck '{deck}', then save and close the editor.
# Format: certdrill deck format v1 (docs/importing.md). The id must stay {qid}; the domain is one of:
# {domains}.
# Changing only the wording keeps what you remember of it; changing which choices are correct
# starts its schedule again (your past answers are kept). Nothing is saved if anything is wrong.
"""


@dataclass(frozen=True, slots=True)
class QuestionDraft:
    """A question out for editing: `path` is the file the learner edits, inside a one-question deck folder."""

    card_id: int
    deck_id: str
    question_id: str
    folder: Path

    @property
    def path(self) -> Path:
        return self.folder / "questions" / "question.yaml"

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass(frozen=True, slots=True)
class EditOutcome:
    """What came back from the editor: problems (nothing saved), no change, or saved (and reset)."""

    problems: tuple[str, ...] = ()
    changed: bool = False
    reset: bool = False

    def message(self, question_id: str) -> str:
        if self.problems:
            return f"{question_id} was not saved: " + "; ".join(self.problems)
        if not self.changed:
            return f"{question_id} is unchanged."
        if self.reset:
            return (f"{question_id} saved. Its correct answer changed, so its schedule starts again; "
                    "its past answers are kept.")
        return f"{question_id} saved; what you remember of it is kept."


def begin_edit(session: Session, *, card_id: int, workdir: Path) -> QuestionDraft:
    """Write the question (and its deck's header, for the check) to a fresh folder under `workdir`."""
    row = session.get(QuestionRow, card_id)
    if row is None:
        raise CertdrillError(f"card {card_id} does not exist")
    deck = session.get(DeckRow, row.deck_id)
    assert deck is not None
    if deck.source == BUNDLED:
        raise CertdrillError(f"{row.qid} belongs to the bundled deck '{deck.id}', which certdrill updates: "
                             "only questions of decks you imported can be edited")
    if row.retired:
        raise CertdrillError(f"{row.qid} is retired (kept for its history): it cannot be edited")
    domains = list(session.exec(select(DomainRow).where(col(DomainRow.deck_id) == deck.id)).scalars())  # type: ignore[call-overload]
    header = deck_from_rows(deck, domains)
    workdir.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{row.qid[:40]}-", dir=workdir))
    draft = QuestionDraft(card_id, deck.id, row.qid, folder)
    (folder / "deck.yaml").write_text(deck_yaml(header), encoding="utf-8")
    draft.path.parent.mkdir()
    guide = GUIDE.format(deck=deck.id, qid=row.qid, domains=", ".join(d.id for d in header.domains))
    draft.path.write_text(guide + question_file_yaml([question_from_row(row)]), encoding="utf-8")
    return draft


def finish_edit(session: Session, *, draft: QuestionDraft) -> EditOutcome:
    """Check the edited file with the deck loader; save it only if nothing is wrong."""
    try:
        result = load_deck(draft.folder)
    except CertdrillError as exc:  # not YAML at all
        return EditOutcome(problems=(_relative(str(exc), draft),))
    problems = [_relative(str(p), draft) for p in result.errors]
    questions = result.deck.questions if result.deck is not None else ()
    if not problems and [q.id for q in questions] != [draft.question_id]:
        problems.append(f"the file must hold one question, with the id {draft.question_id}")
    if problems:
        return EditOutcome(problems=tuple(problems))
    saved = save_question(session, deck_id=draft.deck_id, question=questions[0])
    return EditOutcome(changed=saved.changed, reset=saved.reset)


def _relative(message: str, draft: QuestionDraft) -> str:
    return message.replace(str(draft.path), draft.path.name).replace(str(draft.folder) + os.sep, "")


def editor_command(env: Mapping[str, str]) -> list[str]:
    """$VISUAL, else $EDITOR, else the first of nano and vi found."""
    for name in ("VISUAL", "EDITOR"):
        if env.get(name, "").strip():
            return shlex.split(env[name])
    for fallback in ("nano", "vi"):
        if shutil.which(fallback, path=env.get("PATH")):
            return [fallback]
    raise CertdrillError("no editor found: set $EDITOR (for example EDITOR=nano)")


def run_editor(path: Path, env: Mapping[str, str]) -> int:
    """Run the learner's editor on `path` in this terminal; returns its exit status."""
    command = editor_command(env)
    try:
        return subprocess.run([*command, str(path)], check=False, env=dict(env)).returncode
    except OSError as exc:
        raise CertdrillError(f"could not run the editor '{command[0]}': {exc.strerror or exc}") from exc
