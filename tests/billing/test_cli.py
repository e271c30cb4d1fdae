"""`steward settle` and `steward contract check|show`, run as a person would run them.

Each worked example of docs/contract.md is settled here from the files in docs/examples, and its
total must appear in the docs, so the docs cannot drift from the engine.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner, Result

from steward.billing.cli import register
from steward.billing.money import yuan
from tests.billing.samples import EXAMPLES

DOCS = EXAMPLES.parent / "contract.md"


def run(*args: str | Path) -> Result:
    app = typer.Typer()
    register(app)
    return CliRunner().invoke(app, [str(a) for a in args])


def settle_json(contract: str, month: str, figures: str, *extra: str) -> dict[str, object]:
    result = run("settle", EXAMPLES / contract, "--month", month, "--figures", EXAMPLES / figures, *extra)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert isinstance(document, dict)
    return document


def _failed(result: Result) -> str:
    """A refused input: exit 1, a message on stderr, and no traceback."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    return result.stderr


WORKED_EXAMPLES = [
    # (contract, month, figures, service fee, pass-through, total, flags)
    (
        "contract-commission.yaml",
        "2025-06",
        "figures-commission-2025-06.yaml",
        "14301.40",
        "86500.00",
        "100801.40",
        [],
    ),
    (
        "contract-commission.yaml",
        "2025-08",
        "figures-commission-2025-08.yaml",
        "6000.00",
        "64200.00",
        "70200.00",
        ["termination-right"],
    ),
    (
        "contract-profit-share.yaml",
        "2025-09",
        "figures-profit-share-2025-09.yaml",
        "4360.00",
        "20000.00",
        "24360.00",
        [],
    ),
    (
        "contract-profit-share.yaml",
        "2025-10",
        "figures-profit-share-2025-10.yaml",
        "4043.60",
        "18000.00",
        "22043.60",
        [],
    ),
    (
        "contract-two-shortfalls.yaml",
        "2025-03",
        "figures-two-shortfalls-2025-03.yaml",
        "0.00",
        "15000.00",
        "15000.00",
        [],
    ),
]


@pytest.mark.parametrize(
    ("contract", "month", "figures", "service", "passed", "total", "flags"), WORKED_EXAMPLES
)
def test_worked_examples_of_the_docs(
    contract: str, month: str, figures: str, service: str, passed: str, total: str, flags: list[str]
) -> None:
    document = settle_json(contract, month, figures)
    assert (document["service_fee"], document["pass_through"], document["total_due"]) == (
        service,
        passed,
        total,
    )
    assert document["flags"] == flags
    docs = DOCS.read_text(encoding="utf-8")
    shown = yuan(Decimal(total))
    assert shown in docs, f"docs/contract.md does not show the total {shown} of {figures}"


def test_json_output_has_exactly_the_documented_keys() -> None:
    document = settle_json("contract-commission.yaml", "2025-06", "figures-commission-2025-06.yaml")
    assert list(document) == ["lines", "service_fee", "pass_through", "total_due", "flags"]
    lines = document["lines"]
    assert isinstance(lines, list)
    assert all(list(line) == ["clause", "description", "formula", "amount"] for line in lines)
    assert lines[1] == {
        "clause": "commission_over_target",
        "description": "超额提成",
        "formula": "5% × max(0, ¥612,400.00 − ¥500,000.00)",
        "amount": "5620.00",
    }


def test_english_descriptions() -> None:
    document = settle_json(
        "contract-commission.yaml", "2025-06", "figures-commission-2025-06.yaml", "--lang", "en"
    )
    lines = document["lines"]
    assert isinstance(lines, list)
    assert lines[0]["description"] == "Base fee"


def test_text_output() -> None:
    result = run(
        "settle",
        EXAMPLES / "contract-commission.yaml",
        "--month",
        "2025-08",
        "--figures",
        EXAMPLES / "figures-commission-2025-08.yaml",
        "--format",
        "text",
        "--lang",
        "en",
    )
    assert result.exit_code == 0, result.output
    assert "Total due: ¥70,200.00" in result.stdout
    assert "Flag: termination-right — 2 consecutive months below 100% of target" in result.stdout


def test_check_a_valid_contract() -> None:
    result = run("contract", "check", EXAMPLES / "contract-commission.yaml")
    assert result.exit_code == 0, result.output
    assert "contract OK (8 clauses, 0 warning(s))" in result.stdout


def test_check_prints_warnings_and_still_succeeds() -> None:
    result = run("contract", "check", EXAMPLES / "contract-two-shortfalls.yaml")
    assert result.exit_code == 0
    assert (
        "warning: clause 3 (shortfall_below), field `type`: clauses 2 (shortfall_per_step) and 3"
        in result.stderr
    )


def test_check_names_clause_and_field_and_exits_1(tmp_path: Path) -> None:
    text = (EXAMPLES / "contract-commission.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        text.replace("rate: 0.05", "rate: 5").replace("type: late_payment", "type: late_fee"),
        encoding="utf-8",
    )
    stderr = _failed(run("contract", "check", bad))
    assert f"{bad}: error: clause 2 (commission_over_target), field `rate`: must be in [0, 1]" in stderr
    assert f"{bad}: error: clause 7, field `type`: unknown clause type 'late_fee'" in stderr


def test_show_renders_the_contract() -> None:
    result = run("contract", "show", EXAMPLES / "contract-profit-share.yaml", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert (
        "5. Trial: the first 1 month(s) of the service period are a trial at 80% of the base fee"
        in result.stdout
    )


# --- bad input: a message and exit 1, never a traceback ----------------------------------------


def _settle(
    tmp_path: Path, figures_text: str, contract: str = "contract-commission.yaml", month: str = "2025-06"
) -> Result:
    figures = tmp_path / "figures.yaml"
    figures.write_text(figures_text, encoding="utf-8")
    return run("settle", EXAMPLES / contract, "--month", month, "--figures", figures)


def test_unreadable_yaml(tmp_path: Path) -> None:
    stderr = _failed(_settle(tmp_path, "gmv: [1\n"))
    assert "figures.yaml: the document: not valid YAML: line 2, column 1" in stderr


def test_missing_file(tmp_path: Path) -> None:
    stderr = _failed(
        run("settle", tmp_path / "nope.yaml", "--month", "2025-06", "--figures", tmp_path / "f.yaml")
    )
    assert "nope.yaml: cannot read the file: No such file or directory" in stderr


def test_missing_figures_are_named(tmp_path: Path) -> None:
    stderr = _failed(_settle(tmp_path, "gmv: 612400.00\n"))
    assert "field `late_duty_days`: is missing; needed by clause 5 (late_duty)" in stderr
    assert "field `history`: is missing; needed by clause 8 (termination_right)" in stderr


def test_money_with_more_than_two_decimals(tmp_path: Path) -> None:
    stderr = _failed(_settle(tmp_path, "gmv: 612400.005\n"))
    assert "field `gmv`: 612400.005 has more than two decimals; money is stated to the fen (0.01)" in stderr


def test_wrong_types_in_figures(tmp_path: Path) -> None:
    stderr = _failed(_settle(tmp_path, "gmv: lots\nlate_duty_days: 1.5\nhistory: 3\nbonus: 1\n"))
    assert "field `gmv`: must be a number, got 'lots'" in stderr
    assert "field `late_duty_days`: must be a whole number, got 1.5" in stderr
    assert "field `history`: must be a list of earlier months" in stderr
    assert "field `bonus`: unknown figure" in stderr


def test_a_figures_file_that_is_not_a_mapping(tmp_path: Path) -> None:
    assert "a figures file is a YAML mapping" in _failed(_settle(tmp_path, "- 1\n- 2\n"))


def test_an_invalid_contract_stops_settlement(tmp_path: Path) -> None:
    contract = tmp_path / "contract.yaml"
    contract.write_text("currency: CNY\nclauses:\n  - type: bogus\n", encoding="utf-8")
    result = run(
        "settle", contract, "--month", "2025-06", "--figures", EXAMPLES / "figures-commission-2025-06.yaml"
    )
    stderr = _failed(result)
    assert f"{contract}: clause 1, field `type`: unknown clause type 'bogus'" in stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--month", "June"], "--month: a month is written YYYY-MM"),
        (["--month", "2027-01"], "2027-01 is outside the service period 2025-05-01 to 2026-04-30"),
        (["--month", "2025-06", "--format", "xml"], "--format: must be one of json, text, got 'xml'"),
        (["--month", "2025-06", "--lang", "fr"], "--lang: must be one of zh, en, got 'fr'"),
    ],
)
def test_bad_options(args: list[str], message: str) -> None:
    result = run(
        "settle",
        EXAMPLES / "contract-commission.yaml",
        "--figures",
        EXAMPLES / "figures-commission-2025-06.yaml",
        *args,
    )
    assert message in _failed(result)


def test_a_directory_is_not_a_contract(tmp_path: Path) -> None:
    assert "cannot read the file" in _failed(run("contract", "check", tmp_path))
