"""`steward plan lint FILE [--format json|text]`: exit 0 clean, 1 with findings, 2 unreadable."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from steward.plans.cli import register
from tests.plans.conftest import GOOD_TEXT_SAMPLES, SAMPLES, VAGUE_TEXT_SAMPLES, sample

runner = CliRunner()


@pytest.fixture
def steward() -> typer.Typer:
    """A fresh app with only the plan commands, as the lead will register them into `steward`."""
    app = typer.Typer()
    register(app)
    return app


@pytest.mark.parametrize("name", [*GOOD_TEXT_SAMPLES, "good_plan_zh.json"])
def test_a_good_plan_exits_0(steward: typer.Typer, name: str) -> None:
    result = runner.invoke(steward, ["plan", "lint", str(SAMPLES / name)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "clean: no findings"


@pytest.mark.parametrize("name", [*GOOD_TEXT_SAMPLES, "good_plan_zh.json"])
def test_a_good_plan_in_json_is_an_empty_list(steward: typer.Typer, name: str) -> None:
    result = runner.invoke(steward, ["plan", "lint", str(SAMPLES / name), "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


@pytest.mark.parametrize("name", VAGUE_TEXT_SAMPLES)
def test_a_vague_plan_exits_1_with_one_json_object_per_finding(steward: typer.Typer, name: str) -> None:
    result = runner.invoke(steward, ["plan", "lint", str(SAMPLES / name), "--format", "json"])
    assert result.exit_code == 1
    findings = json.loads(result.stdout)
    assert findings
    for finding in findings:
        assert list(finding) == ["code", "line", "excerpt", "message", "suggestion"]
        assert finding["line"] is None or isinstance(finding["line"], int)


def test_json_keeps_chinese_readable(steward: typer.Typer) -> None:
    result = runner.invoke(steward, ["plan", "lint", str(SAMPLES / "vague_zh.md"), "--format", "json"])
    assert "尽快" in result.stdout  # not \u5c3d\u5feb
    first = json.loads(result.stdout)[0]
    assert first["code"] == "missing-data-source"
    assert first["line"] == 4
    assert first["excerpt"] == "核心目标：3个月内月销从5万做到15万。"


def test_text_output_reads_line_code_message(steward: typer.Typer) -> None:
    result = runner.invoke(steward, ["plan", "lint", str(SAMPLES / "vague_zh.md")])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "line 8 · vague-deadline · “尽快”不是一个日期：写到具体哪一天，双方才能判断是否按时完成。" in lines
    assert "    > - 尽快完成详情页优化" in lines
    assert any(line.startswith("plan · missing-contingency · 没有断货预案") for line in lines)
    assert lines[-1] == "21 findings"


def test_a_missing_file_exits_2(steward: typer.Typer, tmp_path: Path) -> None:
    result = runner.invoke(steward, ["plan", "lint", str(tmp_path / "nowhere.md")])
    assert result.exit_code == 2
    assert "no such file" in result.stderr
    assert result.stdout == ""


def test_a_directory_exits_2(steward: typer.Typer, tmp_path: Path) -> None:
    assert runner.invoke(steward, ["plan", "lint", str(tmp_path)]).exit_code == 2


def test_a_binary_file_exits_2(steward: typer.Typer, tmp_path: Path) -> None:
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(b"%PDF-1.7\n\x00\x01\x02\xff\xfe binary")
    result = runner.invoke(steward, ["plan", "lint", str(pdf)])
    assert result.exit_code == 2
    assert "binary" in result.stderr


def test_bytes_that_are_neither_utf8_nor_gb18030_exit_2(steward: typer.Typer, tmp_path: Path) -> None:
    broken = tmp_path / "plan.txt"
    broken.write_bytes("方案".encode() + b"\xff\xff\xff")
    result = runner.invoke(steward, ["plan", "lint", str(broken)])
    assert result.exit_code == 2
    assert "neither UTF-8 nor GB18030" in result.stderr


def test_a_gb18030_plan_is_read(steward: typer.Typer, tmp_path: Path) -> None:
    """Plans saved by Windows tools in China are GBK; GB18030 reads them."""
    gbk = tmp_path / "vague_zh.txt"
    gbk.write_bytes(sample("vague_zh.txt").encode("gb18030"))
    utf8 = runner.invoke(steward, ["plan", "lint", str(SAMPLES / "vague_zh.txt"), "--format", "json"])
    result = runner.invoke(steward, ["plan", "lint", str(gbk), "--format", "json"])
    assert result.exit_code == 1
    assert [f["code"] for f in json.loads(result.stdout)] == [f["code"] for f in json.loads(utf8.stdout)]


def test_a_utf8_file_with_a_byte_order_mark_keeps_its_first_line(
    steward: typer.Typer, tmp_path: Path
) -> None:
    bom = tmp_path / "plan.md"
    bom.write_bytes(b"\xef\xbb\xbf" + sample("vague_zh.md").encode())
    result = runner.invoke(steward, ["plan", "lint", str(bom), "--format", "json"])
    assert json.loads(result.stdout)[0]["excerpt"] == "核心目标：3个月内月销从5万做到15万。"


def test_a_structured_plan_with_gaps_exits_1(steward: typer.Typer, tmp_path: Path) -> None:
    data = json.loads((SAMPLES / "good_plan_zh.json").read_text(encoding="utf-8"))
    data["tasks"][0]["owner"] = ""
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(steward, ["plan", "lint", str(plan)])
    assert result.exit_code == 1
    assert result.stdout.startswith("tasks[0] · missing-owner · 这项任务没有负责人")


def test_broken_json_exits_2(steward: typer.Typer, tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text('{"tasks": [', encoding="utf-8")
    assert runner.invoke(steward, ["plan", "lint", str(plan)]).exit_code == 2


def test_a_markdown_copy_with_another_name_lints_the_same(steward: typer.Typer, tmp_path: Path) -> None:
    copy = tmp_path / "方案.markdown"
    shutil.copy(SAMPLES / "vague_en.md", copy)
    original = runner.invoke(steward, ["plan", "lint", str(SAMPLES / "vague_en.md")])
    assert runner.invoke(steward, ["plan", "lint", str(copy)]).stdout == original.stdout
