"""Re-importing your own export updates the same deck: .apkg and CSV carry the deck id and question ids,
and `export --with-history` the schedule and review history, which `import --with-history` reads back."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from certdrill.errors import CertdrillError
from certdrill.storage.tables import CardRow, DeckRow, QuestionRow, ReviewRow
from certdrill.study.browse import BrowseFilter
from certdrill.study.desk import StudyDesk
from certdrill.study.exporting import export_deck
from certdrill.study.importing import ImportOptions, import_source
from certdrill.study.workspace import Workspace
from helpers import Clock


def imported(ws: Workspace, source: Path, **options: object) -> object:
    with ws.session() as s:
        return import_source(s, source=str(source), options=ImportOptions(**options), now=ws.now())  # type: ignore[arg-type]


def exported(ws: Workspace, deck_id: str, to: Path, *, with_history: bool = False) -> Path:
    with ws.session() as s:
        export_deck(s, deck_id=deck_id, to=to, fmt=None, now=ws.now(), with_history=with_history)
    return to


def schedule(ws: Workspace, deck_id: str) -> dict[str, tuple[object, ...]]:
    """Question id -> (state, stability, difficulty, due, reps, lapses, review answers)."""
    with ws.session() as s:
        answers = dict(s.execute(select(QuestionRow.qid, func.count(ReviewRow.id))  # type: ignore[call-overload]
                                 .join(ReviewRow, ReviewRow.card_id == QuestionRow.pk)
                                 .where(QuestionRow.deck_id == deck_id, ReviewRow.mode == "review")
                                 .group_by(QuestionRow.qid)).all())
        return {q.qid: (c.state, c.stability and round(c.stability, 6), c.difficulty and round(c.difficulty, 6),
                        c.due and c.due.replace(microsecond=0), c.reps, c.lapses, answers.get(q.qid, 0))
                for q, c in s.execute(select(QuestionRow, CardRow).join(CardRow, CardRow.id == QuestionRow.pk)
                                      .where(QuestionRow.deck_id == deck_id))}


def deck_ids(ws: Workspace) -> list[str]:
    with ws.session() as s:
        return sorted(s.execute(select(DeckRow.id)).scalars())


@pytest.fixture
def community(workspace: Workspace, tmp_path: Path, clock: Clock) -> Iterator[Workspace]:
    """A community .apkg imported under an id of the learner's choosing, some of it answered over days."""
    import genanki

    from anki_packages import mcq, write_package

    notes = [mcq(f"Which {n}?", ["a", "b", "c"], "B", guid=f"g{n}") for n in range(5)]
    notes.append(genanki.Note(model=genanki.BASIC_AND_REVERSED_CARD_MODEL, fields=["Term", "Meaning"], guid="rev"))
    path = write_package(tmp_path / "community.apkg", {"Cloud::Storage": notes[:3], "Cloud::Compute": notes[3:]})
    imported(workspace, path, deck_id="my-cloud", title="My cloud deck")
    desk = StudyDesk(workspace)
    rows = desk.browse(BrowseFilter(deck_id="my-cloud"))
    for day in range(3):
        for row in rows[:4]:
            card = desk.card(row.card_id)
            desk.answer(row.card_id, card.question.correct_indices if day or row.card_id % 2 else [0], rating=None
                        if card.question.kind != "flashcard" else 3)
            clock.advance(minutes=3)
        clock.advance(days=2)
    desk.set_suspended(rows[5].card_id, True)
    yield workspace


@pytest.mark.parametrize("suffix", [".apkg", ".csv"])
def test_reimporting_your_own_export_updates_the_same_deck_and_keeps_history(
    community: Workspace, tmp_path: Path, suffix: str,
) -> None:
    before = schedule(community, "my-cloud")
    path = exported(community, "my-cloud", tmp_path / f"mine{suffix}")
    report = imported(community, path)
    assert report.deck_id == "my-cloud" and not report.new_deck  # type: ignore[attr-defined]
    assert (report.added, report.retired, report.unchanged) == ([], [], len(before))  # type: ignore[attr-defined]
    assert deck_ids(community) == ["my-cloud", "sample"]
    assert schedule(community, "my-cloud") == before
    with community.session() as s:
        assert s.get(DeckRow, "my-cloud").title == "My cloud deck"  # type: ignore[union-attr]


def test_an_export_with_history_brings_the_schedule_and_answers_to_another_collection(
    community: Workspace, tmp_path: Path, clock: Clock, sample_root: Path,
) -> None:
    before = schedule(community, "my-cloud")
    assert sum(v[-1] for v in before.values()) == 12
    path = exported(community, "my-cloud", tmp_path / "mine.apkg", with_history=True)
    other = Workspace.open(tmp_path / "laptop", clock=clock, tz=community.tz, bundled_root=sample_root, fuzz=False)
    try:
        report = imported(other, path, with_history=True)
        assert report.deck_id == "my-cloud" and report.history == 12  # type: ignore[attr-defined]
        assert schedule(other, "my-cloud") == before
        again = imported(other, path, with_history=True)  # nothing twice
        assert again.history == 0 and not again.changed  # type: ignore[attr-defined]
        assert schedule(other, "my-cloud") == before
    finally:
        other.close()
    same = imported(community, path, with_history=True)  # into the collection it came from: already there
    assert same.history == 0  # type: ignore[attr-defined]
    assert schedule(community, "my-cloud") == before


def test_an_exported_package_with_history_has_anki_schedule_and_revlog(community: Workspace, tmp_path: Path) -> None:
    import sqlite3

    path = exported(community, "my-cloud", tmp_path / "mine.apkg", with_history=True)
    with zipfile.ZipFile(path) as z:
        (tmp_path / "c.anki2").write_bytes(z.read("collection.anki2"))
        meta = json.loads(z.read("certdrill.json"))
    assert meta["deck"] == "my-cloud" and len(meta["questions"]) == 7 and len(meta["cards"]) == 7  # reversed: 2 cards
    con = sqlite3.connect(tmp_path / "c.anki2")
    assert con.execute("SELECT count(*) FROM revlog").fetchone()[0] == 12
    assert con.execute("SELECT count(*) FROM cards WHERE queue = -1").fetchone()[0] == 1  # the suspended card
    assert con.execute("SELECT count(*) FROM cards WHERE type = 2 AND ivl >= 1").fetchone()[0] >= 1
    con.close()


def test_history_travels_only_in_an_apkg(community: Workspace, tmp_path: Path) -> None:
    with pytest.raises(CertdrillError, match=r"--with-history needs an \.apkg export"):
        exported(community, "my-cloud", tmp_path / "mine.csv", with_history=True)


@pytest.mark.parametrize("meta", [
    b"not json", b'{"format": "other"}', b'{"format": "certdrill-export/1", "deck": "Bad Id", "title": "t"}',
    b'{"format": "certdrill-export/1", "deck": "ok", "title": "t", "domains": [], "questions": {"g": "bad id!"}}',
    b'{"format": "certdrill-export/1", "deck": "ok", "title": "t", "domains": [], "questions": {},'
    b' "cards": {"q": {"state": 9, "reps": 0, "lapses": 0}}}',
])
def test_a_malformed_certdrill_member_refuses_the_package(
    community: Workspace, tmp_path: Path, meta: bytes,
) -> None:
    good = exported(community, "my-cloud", tmp_path / "mine.apkg")
    bad = tmp_path / "bad.apkg"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w") as zout:
        for name in zin.namelist():
            zout.writestr(name, meta if name == "certdrill.json" else zin.read(name))
    with pytest.raises(CertdrillError, match=r"bad\.apkg: certdrill\.json: "):
        imported(community, bad, dry_run=True)


def test_answers_given_in_one_millisecond_are_not_brought_in_twice(
    community: Workspace, tmp_path: Path, clock: Clock,
) -> None:
    desk = StudyDesk(community)
    for row in desk.browse(BrowseFilter(deck_id="my-cloud")):  # a script answering: one moment for all
        desk.answer(row.card_id, rating=1)
    path = exported(community, "my-cloud", tmp_path / "mine.apkg", with_history=True)
    with zipfile.ZipFile(path) as z:
        (tmp_path / "c.anki2").write_bytes(z.read("collection.anki2"))
    import sqlite3

    con = sqlite3.connect(tmp_path / "c.anki2")
    ids = [i for (i,) in con.execute("SELECT id FROM revlog ORDER BY id")]
    con.close()
    assert len(ids) == len(set(ids)) == 19  # unique revlog ids, a millisecond apart where need be
    again = imported(community, path, with_history=True, dry_run=True)
    assert again.history == 0  # type: ignore[attr-defined]
