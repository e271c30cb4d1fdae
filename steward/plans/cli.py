"""`steward plan lint FILE`: the plan linter (方案体检) on a plan written elsewhere.

Exit codes: 0 clean, 1 with findings, 2 when the file cannot be read as text (missing, a
directory, binary, or neither UTF-8 nor GB18030). A ``.json`` file holding a structured plan
(the six modules, as :meth:`OperationsPlan.from_dict` reads them) is linted as one.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from steward.plans.lint import Finding, lint_plan, lint_text
from steward.plans.structure import OperationsPlan

plan_app = typer.Typer(help="营运方案 / operations plans", no_args_is_help=True)

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_UNREADABLE = 2

# Plans pasted from Windows tools in China are often saved as GBK; GB18030 reads GBK and more.
_ENCODINGS = ("utf-8-sig", "gb18030")
_MODULE_KEYS = {"current_state", "goals", "tasks", "resources", "assessment", "risks"}


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


class UnreadablePlan(Exception):
    """The file is not a plan we can read as text; the message says why."""


def read_plan_file(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError as error:
        raise UnreadablePlan(f"no such file: {path}") from error
    except IsADirectoryError as error:
        raise UnreadablePlan(f"is a directory, not a file: {path}") from error
    except OSError as error:
        raise UnreadablePlan(f"cannot read {path}: {error.strerror or error}") from error
    # Text never holds NUL bytes; images, PDFs and Word files do, and GB18030 would otherwise
    # "decode" some of them into nonsense.
    if b"\x00" in raw[:8192]:
        raise UnreadablePlan(
            f"{path} looks binary (a PDF, image or Word file?); save the plan as Markdown or plain text"
        )
    for encoding in _ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadablePlan(f"{path} is neither UTF-8 nor GB18030 text")


def lint_file(path: Path) -> list[Finding]:
    text = read_plan_file(path)
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise UnreadablePlan(f"{path} is not valid JSON: {error}") from error
        if isinstance(data, dict) and _MODULE_KEYS & data.keys():
            try:
                return lint_plan(OperationsPlan.from_dict(data))
            except (KeyError, TypeError, ValueError) as error:
                raise UnreadablePlan(f"{path} is not a structured plan: {error}") from error
    return lint_text(text)


def render_text(findings: list[Finding]) -> str:
    if not findings:
        return "clean: no findings"
    blocks = []
    for finding in findings:
        where = f"line {finding.line}" if finding.line is not None else (finding.field or "plan")
        lines = [f"{where} · {finding.code} · {finding.message}"]
        if finding.excerpt:
            lines.append(f"    > {finding.excerpt}")
        lines.append(f"    → {finding.suggestion}")
        blocks.append("\n".join(lines))
    count = len(findings)
    blocks.append(f"{count} finding{'s' if count != 1 else ''}")
    return "\n".join(blocks)


def render_json(findings: list[Finding]) -> str:
    return json.dumps([finding.as_json() for finding in findings], ensure_ascii=False, indent=2)


@plan_app.command("lint")
def lint(
    file: Annotated[
        Path, typer.Argument(help="the plan: Markdown, plain text, or a structured plan as .json")
    ],
    output: Annotated[OutputFormat, typer.Option("--format", help="json or text")] = OutputFormat.TEXT,
) -> None:
    """方案体检: check a plan against the six must-haves and three traps (exit 1 with findings)."""
    try:
        findings = lint_file(file)
    except UnreadablePlan as error:
        typer.echo(f"cannot lint: {error}", err=True)
        raise typer.Exit(EXIT_UNREADABLE) from error
    typer.echo(render_json(findings) if output is OutputFormat.JSON else render_text(findings))
    raise typer.Exit(EXIT_FINDINGS if findings else EXIT_CLEAN)


def register(app: typer.Typer) -> None:
    app.add_typer(plan_app, name="plan")
