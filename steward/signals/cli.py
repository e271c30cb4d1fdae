"""`steward signals …`: the offline backtest, the same evaluator as the app's daily run."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from steward.signals.defaults import default_rules
from steward.signals.episodes import Episode, episode_records, shown_value
from steward.signals.evaluate import DataProblem, backtest
from steward.signals.folder import FolderProblem, read_folder
from steward.signals.metrics import Unit
from steward.signals.rules import Rule, RuleError, load_rules
from steward.signals.values import ValueProblem, parse_day

EXIT_BAD_RULES = 1
EXIT_BAD_DATA = 2


class OutputFormat(StrEnum):
    JSON = "json"
    TABLE = "table"


def _fail(message: str, code: int) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _rules(choice: str) -> list[Rule]:
    if choice == "default":
        return default_rules()
    return load_rules(Path(choice))


def _row(rule: Rule, episode: Episode) -> dict[str, Any]:
    shown = shown_value(rule, episode.value)
    value: int | float | None = None
    if shown is not None:
        value = (
            int(shown) if rule.watched.unit is Unit.COUNT and not rule.conditions[0].change else float(shown)
        )
    return {
        "rule": episode.rule,
        "shop": episode.shop,
        "subject": episode.subject,
        "start": episode.start.isoformat(),
        "fired": episode.fired.isoformat(),
        "end": episode.end.isoformat(),
        "value": value,
    }


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(rows: Sequence[dict[str, Any]]) -> str:
    headers = ["rule", "shop", "subject", "start", "fired", "end", "value"]
    cells = [headers] + [["" if row[h] is None else str(row[h]) for h in headers] for row in rows]
    widths = [max(_width(line[i]) for line in cells) for i in range(len(headers))]
    return "\n".join(
        "  ".join(
            cell + " " * (width - _width(cell)) for cell, width in zip(line, widths, strict=True)
        ).rstrip()
        for line in cells
    )


def register(app: typer.Typer) -> None:
    """Add the ``signals`` commands to ``app``."""
    signals = typer.Typer(
        help="预警信号：用历史数据回测规则。Signals: trigger rules over a shop's numbers.",
        no_args_is_help=True,
    )

    @signals.command("backtest")
    def backtest_command(
        data_dir: Annotated[
            Path, typer.Argument(metavar="DATA_DIR", help="A data folder: one sub-folder per shop.")
        ],
        rules: Annotated[
            str, typer.Option("--rules", help="'default' or a YAML/JSON rule file.")
        ] = "default",
        first: Annotated[
            str | None,
            typer.Option("--from", metavar="DATE", help="Only episodes that fired on or after DATE."),
        ] = None,
        last: Annotated[
            str | None, typer.Option("--to", metavar="DATE", help="Read numbers up to DATE.")
        ] = None,
        output: Annotated[OutputFormat, typer.Option("--format", help="json or table.")] = OutputFormat.JSON,
    ) -> None:
        """Evaluate rules over a data folder, without a database, and print every episode."""
        try:
            pack = _rules(rules)
        except RuleError as exc:
            raise _fail(str(exc), EXIT_BAD_RULES) from None
        try:
            first_day = parse_day(first) if first else None
            last_day = parse_day(last) if last else None
        except ValueProblem as exc:
            raise typer.BadParameter(str(exc)) from None
        try:
            frames, _ = read_folder(data_dir)
            result = backtest(pack, frames, first=first_day, last=last_day)
        except (FolderProblem, DataProblem) as exc:
            raise _fail(str(exc), EXIT_BAD_DATA) from None
        for skipped in result.skipped:
            typer.echo(f"{skipped.rule}: {skipped.reason}", err=True)
        rows: list[dict[str, Any]] = []
        suppressed = 0
        for rule in pack:
            frame = result.episodes.get(rule.id)
            if frame is None:
                continue
            for episode in episode_records(rule, frame.sort("shop", "subject", "start", nulls_last=True)):
                if episode.suppressed:
                    suppressed += 1
                else:
                    rows.append(_row(rule, episode))
        if output is OutputFormat.JSON:
            typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            typer.echo(_table(rows))
            typer.echo(f"{len(rows)} episodes", err=True)
        if suppressed:
            typer.echo(f"{suppressed} episodes within a rule's cooldown are not listed", err=True)

    app.add_typer(signals, name="signals")
