"""``steward diagnose``: the agency lead writes a shop's diagnosis to a file."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from steward.diagnosis.cli import register
from tests.conftest import World

pytestmark = pytest.mark.django_db

app = typer.Typer()
register(app)


@app.callback()
def _group() -> None:
    """A group, so the command is called by name as under ``steward``."""


runner = CliRunner()


def test_diagnose_writes_markdown(diagnosed: World, tmp_path: Path) -> None:
    out = tmp_path / "d.md"

    result = runner.invoke(app, ["diagnose", "--shop", "shanye-tmall", "--format", "md", "--out", str(out)])

    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("# 山野茶舍天猫店 · 店铺诊断")


def test_diagnose_refuses_an_unknown_shop_or_format(diagnosed: World, tmp_path: Path) -> None:
    out = str(tmp_path / "d")
    assert runner.invoke(app, ["diagnose", "--shop", "nope", "--out", out]).exit_code == 2
    assert (
        runner.invoke(app, ["diagnose", "--shop", "shanye-tmall", "--format", "doc", "--out", out]).exit_code
        == 2
    )


def test_diagnose_of_a_shop_without_numbers_exits_1(world: World, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["diagnose", "--shop", "shanye-tmall", "--format", "md", "--out", str(tmp_path / "d")]
    )

    assert result.exit_code == 1
