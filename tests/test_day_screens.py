"""The learner's day on the dashboard, settings, import, practice picker and command palette (Pilot)."""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from certdrill.study.desk import StudyDesk
from certdrill.study.workspace import Workspace
from certdrill.tui.app import CertdrillApp, make_app
from certdrill.tui.screens.settings import SettingsScreen
from certdrill.tui.widgets.bars import Bars
from helpers import settle

SIZE = (100, 30)


def screen_text(app: CertdrillApp) -> str:
    """What the terminal shows, as plain text."""
    svg = app.export_screenshot()
    return unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


async def test_settings_shows_the_values_saved_before(workspace: Workspace) -> None:
    desk = StudyDesk(workspace)
    desk.set_exam_date("sample", date(2026, 12, 1), minutes_per_day=45)
    desk.save_setting("rollover_hour", 2)
    desk.save_setting("new_per_day", 7)
    app = make_app(workspace, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("comma")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        values = {i.id: i.value for i in app.screen.query(Input)}
    assert values == {"new_per_day": "7", "desired_retention": "0.9", "rollover_hour": "2",
                      "exam-sample": "2026-12-01", "minutes-sample": "45"}


async def test_the_rollover_hour_saved_in_settings_moves_today(workspace: Workspace) -> None:
    app = make_app(workspace, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("comma")
        await settle(pilot)
        field = app.screen.query_one("#rollover_hour", Input)
        field.focus()
        field.value = "10"  # the test clock reads 09:00 UTC: with the day starting at 10, it is still yesterday
        await pilot.press("enter")
        await settle(pilot)
    assert workspace.settings().rollover_hour == 10
    assert StudyDesk(workspace).today() == date(2026, 11, 1)


def community_deck_answered(workspace: Workspace, tmp_path: Path) -> str:
    """The issue's steps: a community .apkg (multiple choice and flashcards in two subdecks) imported,
    every card answered, one multiple-choice question in four right, every flashcard rated Good."""
    import genanki

    from anki_packages import mcq, write_package
    from certdrill.study.browse import BrowseFilter

    def basic(n: int) -> genanki.Note:
        return genanki.Note(model=genanki.BASIC_MODEL, fields=[f"Term {n}?", f"Meaning {n}"], guid=f"basic{n}")

    modeling = [mcq(f"Which model {n}?", ["alpha", "beta", "gamma", "delta"], "B", guid=f"mod{n}") for n in range(12)]
    data = [mcq(f"Which store {n}?", ["one", "two", "three", "four"], "C", guid=f"dat{n}") for n in range(12)]
    path = write_package(tmp_path / "community.apkg",
                         {"Community ML::Modeling": modeling + [basic(n) for n in range(6)], "Community ML::Data": data})
    desk = StudyDesk(workspace)
    deck_id = desk.import_source(str(path), dry_run=False).deck_id
    mc_seen = 0
    for row in desk.browse(BrowseFilter(deck_id=deck_id)):
        question = desk.card(row.card_id).question
        if question.kind == "flashcard":
            desk.answer(row.card_id, rating=3)
            continue
        right = question.correct_indices
        desk.answer(row.card_id, right if mc_seen % 4 == 0 else [(right[0] + 1) % len(question.choices)])
        mc_seen += 1
    return deck_id


async def test_dashboard_and_cli_show_the_same_readiness_for_a_community_deck(
    workspace: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    import json

    from textual.widgets import DataTable

    from certdrill.cli import main

    deck_id = community_deck_answered(workspace, tmp_path)
    monkeypatch.setattr("certdrill.cli.readiness.open_workspace", lambda _args: workspace)
    assert main(["readiness", deck_id, "--json"]) == 0
    [report] = json.loads(capsys.readouterr().out)["decks"]
    expected = {d["name"]: (d["estimate"], d["interval"]) for d in report["domains"]}
    assert set(expected) == {"Modeling", "Data"}

    app = make_app(workspace, seed=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        ids = [d.id for d in app.screen.summaries]  # type: ignore[attr-defined]
        app.screen.query_one("#decks", DataTable).move_cursor(row=ids.index(deck_id))
        await settle(pilot)
        shown = screen_text(app)
        bars = app.screen.query_one("#domain-bars", Bars).chart.text(200).plain.splitlines()
    assert "Readiness if the exam were today" in shown
    for name, (estimate, (low, high)) in expected.items():
        [line] = [line for line in bars if line.startswith(f"{name} ")]
        assert f" {estimate:.0%} " in line and f"{low:.0%}–{high:.0%}" in line, (name, line)
    assert "first-try" not in shown  # no second figure that could be read as readiness


async def test_without_answers_the_dashboard_shows_no_predicted_score_or_chance_to_pass(workspace: Workspace) -> None:
    from certdrill.core.readiness import TOO_LITTLE

    app = make_app(workspace, seed=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        score = str(app.screen.query_one("#readiness-score", Static).content)
        bars = app.screen.query_one("#domain-bars", Bars).chart.text(200).plain
    assert score == f"Predicted score and P(pass): {TOO_LITTLE}"
    assert all("too little evidence" in line for line in bars.splitlines())


def test_without_evidence_the_cli_like_the_dashboard_gives_no_point_estimate(workspace: Workspace) -> None:
    from certdrill.cli.readiness import render

    report = StudyDesk(workspace).readiness("sample")
    lines = render(report)
    for d in report.domains:
        [line] = [line for line in lines if line.startswith(f"  {d.name} ")]
        assert f"{d.weight:.0%} ? {d.low:.0%}-{d.high:.0%}" in " ".join(line.split())


@pytest.mark.parametrize("columns", [30, 44, 46, 100])
def test_the_heatmap_shows_the_weeks_that_fit_and_never_wraps(columns: int) -> None:
    from rich.console import Console

    from certdrill.tui.widgets.heatmap import HeatmapChart

    today = date(2026, 11, 4)
    console = Console(width=columns, record=True, color_system=None)
    console.print(HeatmapChart({"2026-11-02": 3, "2026-07-01": 1}, today, weeks=20))
    lines = console.export_text().splitlines()
    day_rows = [line for line in lines if line.startswith(("Mon", "Wed", "Fri", "Sun")) or line.startswith("    ■")]
    assert len(day_rows) == 7  # one row per weekday: nothing wrapped onto a line of its own
    assert max(len(line.rstrip()) for line in day_rows) <= columns
    assert day_rows[0].count("■") == min(20, (columns - 4) // 2)  # the latest weeks, as many as fit


def test_bars_put_labels_above_the_bars_when_there_is_no_room_beside_them() -> None:
    from certdrill.tui.widgets.bars import Bar, BarChart

    chart = BarChart((Bar("Data Preparation for Machine Learning and AI", None, 0.26, 0.87, "too little evidence"),), 20)
    narrow, wide = chart.text(44).plain.splitlines(), chart.text(120).plain.splitlines()
    assert narrow[0] == "Data Preparation for Machine Learning and AI  too little evidence"
    assert narrow[1].startswith("  ░░░░│") and "?" in narrow[1]
    assert len(wide) == 1 and wide[0].startswith("Data Preparation for Machine Lear… ░░░░│")


def two_decks(workspace: Workspace, tmp_path: Path) -> StudyDesk:
    source = tmp_path / "arith.csv"
    source.write_text("question,answer\nWhat is 2+2?,4\nWhat is 3+3?,6\n")
    desk = StudyDesk(workspace)
    assert desk.import_source(str(source), dry_run=False).deck_id == "arith"
    return desk


async def test_after_tab_into_the_panel_it_names_the_deck_r_reviews_and_shows_the_focus(
    workspace: Workspace, tmp_path: Path,
) -> None:
    from textual.containers import VerticalScroll
    from textual.widgets import DataTable

    from certdrill.tui.screens.review import ReviewScreen

    two_decks(workspace, tmp_path)
    app = make_app(workspace, seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#decks", DataTable)
        panel = app.screen.query_one("#deck-panel", VerticalScroll)
        assert [d.id for d in app.screen.summaries] == ["arith", "sample"]  # type: ignore[attr-defined]
        await pilot.press("down")  # the second deck, sample
        await settle(pilot)
        unfocused = panel.styles.border_top
        await pilot.press("tab")
        assert panel.has_focus and panel.styles.border_top != unfocused  # the focus is visible
        assert panel.border_title == "sample" and "↑↓ scroll" in str(panel.border_subtitle)
        await pilot.press("down", "down", "up")  # they scroll the panel, not the deck list
        assert table.cursor_row == 1
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen) and app.screen.deck_ids == ["sample"]


async def test_every_dashboard_key_but_review_all_fits_an_80_column_footer(workspace: Workspace) -> None:
    from textual.widgets import Footer

    app = make_app(workspace, seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(Footer)
        shown = " ".join(str(item.render()) for item in footer.query("FooterKey"))
        last = max(item.region.right for item in footer.query("FooterKey"))
    for label in ("r Review", "p Practice", "e Exam", "b Browse", "s Stats", "i Import", ", Settings", "? Keys",
                  "q Quit"):
        assert label in shown
    assert last <= 80


async def test_the_deck_list_shows_six_decks_at_80x24(workspace: Workspace, tmp_path: Path) -> None:
    from textual.widgets import DataTable

    desk = two_decks(workspace, tmp_path)
    for n in range(4):
        source = tmp_path / f"extra{n}.csv"
        source.write_text(f"question,answer\nWhat is {n}+1?,{n + 1}\n")
        desk.import_source(str(source), dry_run=False)
    app = make_app(workspace, seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#decks", DataTable)
        assert table.row_count == 6
        assert table.scrollable_content_region.height >= 6 + 1  # every deck and the header in view


async def test_the_command_palette_lists_keys_once_and_names_keys_as_the_footer_does(workspace: Workspace) -> None:
    from certdrill.tui.screens.help import HelpScreen

    app = make_app(workspace, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        on_dashboard = list(app.get_system_commands(app.screen))
        await pilot.press("r")
        await settle(pilot)
        in_review = list(app.get_system_commands(app.screen))
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        help_text = screen_text(app)
    for commands in (on_dashboard, in_review):
        assert [c.title for c in commands].count("Keys") == 1
        assert not any("_mark" in c.help or "comma" in c.help for c in commands)
    assert any(c.help == "Dashboard: Mock exam (e)" for c in on_dashboard)
    assert any(c.help == "Dashboard: Settings (,)" for c in on_dashboard)
    assert any(c.help.endswith("Suspend (!)") for c in in_review), [c.help for c in in_review]
    assert "Mock exam" in help_text and "Review all decks" in help_text and "exclamation" not in help_text


async def test_the_practice_picker_lists_tags_a_to_z_and_says_its_keys(workspace: Workspace, tmp_path: Path) -> None:
    from textual.widgets import OptionList

    from certdrill.tui.screens.practice_setup import PracticeSetupScreen

    source = tmp_path / "tagged.csv"
    source.write_text("question,answer,tags\nQ one?,1,zeta kinesis\nQ two?,2,Beta kinesis\nQ three?,3,alpha\n")
    StudyDesk(workspace).import_source(str(source), dry_run=False)
    app = make_app(workspace, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "p")  # the second deck: tagged
        await settle(pilot)
        assert isinstance(app.screen, PracticeSetupScreen)
        options = app.screen.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        text = screen_text(app)
    tags = [label for label in labels if label.startswith("Tag: ")]
    assert tags == ["Tag: alpha (1)", "Tag: Beta (1)", "Tag: kinesis (2)", "Tag: zeta (1)"]
    assert "enter practise" in text and "esc cancel" in text
