"""The result of a mock exam: score, per-domain score against weight, pass/fail, then every miss explained."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from certdrill.core.text import terminal_safe
from certdrill.study.exam import ExamResult, PaperItem
from certdrill.tui.errors import reports_user_errors
from certdrill.tui.text import literal, references_markdown
from certdrill.tui.widgets.choices import ChoiceList
from certdrill.tui.widgets.markdown_view import MarkdownView


def result_table(result: ExamResult) -> Table:
    table = Table(box=None, expand=True)
    table.add_column("Domain")
    table.add_column("Weight", justify="right")
    table.add_column("Asked", justify="right")
    table.add_column("Right", justify="right")
    table.add_column("Score", justify="right")
    table.add_column("", min_width=12)
    for d in result.domains:
        filled = round(d.share * 12) if d.total else 0
        bar = Text("█" * filled, style="green" if d.share >= 0.72 else "yellow" if d.share >= 0.55 else "red")
        bar.append("░" * (12 - filled), style="dim")
        table.add_row(literal(d.name), f"{d.weight:.0f}%", str(d.total), str(d.correct),
                      f"{d.share:.0%}" if d.total else "—", bar)
    return table


def headline(result: ExamResult) -> Text:
    text = Text(f"{result.correct} of {result.total} right ({result.raw:.0%})", style="bold")
    if result.score is not None and result.score_unit == "scaled":
        text.append(f" · scaled score ≈ {result.score:.0f} (pass {result.pass_score:g})")
    elif result.score is not None:
        text.append(f" · pass mark {result.pass_score:g}%")
    if result.passed is not None:
        text.append("   PASS " if result.passed else "   FAIL ", style="bold black on green" if result.passed
                    else "bold white on red")
    if result.estimated:
        text.append(f"\nEstimate: {result.conversion}.", style="dim italic")
    if result.started_at and result.finished_at:
        minutes = int((result.finished_at - result.started_at).total_seconds() // 60)
        text.append(f"\nTime used: {minutes} min", style="dim")
    return text


@reports_user_errors
class ExamResultScreen(Screen[None]):
    BINDINGS = [Binding("escape,q", "dismiss", "Back", id="exam_result.back")]

    def __init__(self, result: ExamResult) -> None:
        super().__init__()
        self.result = result

    def compose(self) -> ComposeResult:
        yield Static(Text(" Mock exam result ", style="bold reverse"), id="result-title", classes="bar")
        yield Static(headline(self.result), id="result-headline")
        yield Static(result_table(self.result), id="result-domains")
        yield Static(Text(f"Review: {len(self.result.review)} wrong, unanswered or flagged "
                          "(up/down to pick one)", style="bold"))
        with Horizontal(id="result-review"):
            yield OptionList(*[self.option(i, item) for i, item in enumerate(self.result.review)], id="missed")
            with VerticalScroll(id="missed-detail"):
                yield MarkdownView(id="missed-prompt", classes="flush")
                yield ChoiceList(id="missed-choices")
                yield MarkdownView(id="missed-explanation")
        yield Footer()

    @staticmethod
    def option(i: int, item: PaperItem) -> Option:
        mark = "⚑ " if item.flagged else ""
        status = "unanswered" if not item.chosen else "flagged" if item.question.correct_indices == item.chosen else "wrong"
        # The whole prompt: the list cuts it with an ellipsis where its width ends (app.tcss).
        label = Text(f"{item.position + 1:>3}. {mark}[{status}] ")
        label.append(terminal_safe(" ".join(item.question.prompt.split())))
        return Option(label, id=str(i))

    def on_mount(self) -> None:
        if self.result.review:
            self.show(0)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None:
            self.show(int(event.option.id))

    def show(self, index: int) -> None:
        item = self.result.review[index]
        q = item.question
        self.query_one("#missed-prompt", MarkdownView).show(q.prompt)
        self.query_one("#missed-choices", ChoiceList).verdict(q, item.chosen)
        refs = references_markdown(q.references)
        self.query_one("#missed-explanation", MarkdownView).show(
            q.explanation + ("\n\n**Read more**\n\n" + refs if refs else ""))
