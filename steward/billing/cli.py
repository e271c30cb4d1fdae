"""`steward settle` and `steward contract check|show`: settlement without a database.

Bad input of any kind ends with a message naming the file, clause and field, and exit code 1;
a person editing a contract should never see a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from steward.billing.contract import Language, Month, check_contract, load_contract, render_contract
from steward.billing.figures import read_figures
from steward.billing.problems import BillingInputError, SettlementError
from steward.billing.settlement import settle

contract_app = typer.Typer(help="合同条款 / contract terms: check and show", no_args_is_help=True)


FORMATS = ("json", "text")


def _choice(option: str, value: str, choices: tuple[str, ...]) -> str:
    # Checked here rather than by the option parser, so every bad input exits 1 the same way.
    if value not in choices:
        typer.echo(f"{option}: must be one of {', '.join(choices)}, got {value!r}", err=True)
        raise typer.Exit(1)
    return value


def _language(lang: str) -> Language:
    return "zh" if _choice("--lang", lang, ("zh", "en")) == "zh" else "en"


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        typer.echo(f"{path}: cannot read the file: {reason}", err=True)
        raise typer.Exit(1) from None


def _fail(error: BillingInputError) -> None:
    for problem in error.problems:
        prefix = f"{error.source}: " if error.source else ""
        typer.echo(f"{prefix}{problem}", err=True)
    raise typer.Exit(1)


def settle_command(
    contract_file: Annotated[Path, typer.Argument(metavar="CONTRACT.yaml", help="the contract (YAML)")],
    month: Annotated[str, typer.Option("--month", metavar="YYYY-MM", help="the month to settle")],
    figures_file: Annotated[
        Path, typer.Option("--figures", metavar="FIGURES.yaml", help="the month's figures (YAML)")
    ],
    output_format: Annotated[
        str, typer.Option("--format", metavar="json|text", help="output format")
    ] = "json",
    lang: Annotated[str, typer.Option("--lang", metavar="zh|en", help="language of descriptions")] = "zh",
) -> None:
    """Compute a month's statement from a contract and a figures file (结算单,无需数据库)."""
    _choice("--format", output_format, FORMATS)
    language = _language(lang)
    try:
        settled_month = Month.parse(month)
    except ValueError as error:
        typer.echo(f"--month: {error}", err=True)
        raise typer.Exit(1) from None
    contract_text = _read(contract_file)
    figures_text = _read(figures_file)
    try:
        contract = load_contract(contract_text, str(contract_file))
        figures = read_figures(figures_text, str(figures_file))
        statement = settle(contract, settled_month, figures)
    except SettlementError as error:  # the contract does not cover the month
        error.source = error.source or str(contract_file)
        _fail(error)
        return
    except BillingInputError as error:  # a figure is missing, malformed or contradicts the contract
        error.source = error.source or str(figures_file)
        _fail(error)
        return
    if output_format == "json":
        typer.echo(json.dumps(statement.as_json(language), ensure_ascii=False, indent=2))
    else:
        typer.echo(statement.render_text(language), nl=False)


@contract_app.command("check")
def check_command(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="the contract (YAML)")],
) -> None:
    """Check a contract: errors name the clause and field (exit 1); warnings do not fail."""
    result = check_contract(_read(file))
    for warning in result.warnings:
        typer.echo(f"{file}: warning: {warning}", err=True)
    if result.errors:
        for error in result.errors:
            typer.echo(f"{file}: error: {error}", err=True)
        typer.echo(f"{file}: {len(result.errors)} error(s)", err=True)
        raise typer.Exit(1)
    assert result.contract is not None
    count = len(result.contract.clauses)
    typer.echo(f"{file}: contract OK ({count} clauses, {len(result.warnings)} warning(s))")


@contract_app.command("show")
def show_command(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="the contract (YAML)")],
    lang: Annotated[str, typer.Option("--lang", metavar="zh|en", help="language")] = "zh",
) -> None:
    """Print the contract as readable text in Chinese or English."""
    language = _language(lang)
    try:
        contract = load_contract(_read(file), str(file))
    except BillingInputError as error:
        _fail(error)
        return
    typer.echo(render_contract(contract, language), nl=False)


def register(app: typer.Typer) -> None:
    app.command("settle")(settle_command)
    app.add_typer(contract_app, name="contract")
