"""`steward signals backtest` on a data folder with the seeded situations of the demo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from steward.signals.cli import register


@pytest.fixture
def app() -> typer.Typer:
    fresh = typer.Typer()
    register(fresh)
    return fresh


def write(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """山野茶舍: a campaign whose ROI sinks from 10-03 to 10-06, and a healthy one; its hero SKU
    runs out of stock on 10-05; a burst of bad reviews on 10-04. 海边渔具: nothing wrong."""
    tea = tmp_path / "shanye-tea"
    campaigns = ["日期,计划名称,花费,展现量,点击量,总成交金额,总成交笔数"]
    for day, revenue in zip(
        range(1, 9), ["400", "400", "200", "200", "240", "220", "400", "400"], strict=True
    ):
        campaigns.append(f"2026-10-0{day},新品推广,100.00,5000,300,{revenue},3")
        campaigns.append(f"2026-10-0{day},品牌词,100.00,5000,300,500,5")
    campaigns.append("合计,,1600,,,,")
    write(tea / "campaigns.csv", campaigns)
    skus = ["日期,商品ID,商品名称,支付件数,支付子订单数,支付金额,库存"]
    for day, stock in zip(range(1, 9), [300, 200, 120, 60, 0, 0, 500, 450], strict=True):
        skus.append(f"2026-10-0{day},T100,明前龙井,80,80,8000,{stock}")
    write(tea / "skus.csv", skus)
    write(
        tea / "products.csv",
        ["商品ID,商品名称,商品角色,替代商品", "T100,明前龙井,引流款,T200", "T200,雨前龙井,利润款,"],
    )
    reviews = ["评价时间,商品ID,评价等级,评价内容"]
    reviews += [f"2026-10-04 1{n}:00:00,T100,差评,有碎末" for n in range(7)]
    reviews += ["2026-10-05 10:00:00,T100,好评,好喝"]
    write(tea / "reviews.csv", reviews)
    write(
        tmp_path / "haibian-fishing" / "shop_daily.csv",
        ["日期,访客数,支付金额"] + [f"2026-10-0{day},1000,5000" for day in range(1, 9)],
    )
    return tmp_path


def test_backtest_prints_every_episode_as_json(app: typer.Typer, folder: Path) -> None:
    result = CliRunner().invoke(app, ["signals", "backtest", str(folder)])
    assert result.exit_code == 0, result.output
    episodes = json.loads(result.stdout)
    assert all(list(e) == ["rule", "shop", "subject", "start", "fired", "end", "value"] for e in episodes)
    by_rule = {e["rule"]: e for e in episodes}
    assert by_rule["roi-floor"] == {
        "rule": "roi-floor",
        "shop": "shanye-tea",
        "subject": "新品推广",
        "start": "2026-10-03",
        "fired": "2026-10-05",  # the third day
        "end": "2026-10-06",
        "value": 2.4,
    }
    assert by_rule["bad-review-burst"] == {
        "rule": "bad-review-burst",
        "shop": "shanye-tea",
        "subject": None,
        "start": "2026-10-04",
        "fired": "2026-10-04",
        "end": "2026-10-04",
        "value": 7,
    }
    assert by_rule["stock-low"]["subject"] == "T100"
    assert (by_rule["stock-low"]["start"], by_rule["stock-low"]["end"]) == ("2026-10-05", "2026-10-06")
    assert "sku-daily-orders" not in by_rule  # 80 orders a day is fine
    assert sorted(e["rule"] for e in episodes) == ["bad-review-burst", "roi-floor", "stock-low"]
    assert "spend-pace" in result.stderr and "monthly_budget" in result.stderr


def test_table_format_and_date_range(app: typer.Typer, folder: Path) -> None:
    result = CliRunner().invoke(
        app, ["signals", "backtest", str(folder), "--format", "table", "--from", "2026-10-05"]
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["rule", "shop", "subject", "start", "fired", "end", "value"]
    assert [line.split()[0] for line in lines[1:]] == ["roi-floor", "stock-low"]
    cut = CliRunner().invoke(app, ["signals", "backtest", str(folder), "--to", "2026-10-04"])
    assert [e["rule"] for e in json.loads(cut.stdout)] == ["bad-review-burst"]


def test_a_rule_file(app: typer.Typer, folder: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "- id: busy-campaign\n"
        "  name: {zh: 花费高, en: High spend}\n"
        "  scope: campaign\n"
        "  condition: spend >= ¥300\n"
        "  window: over the last 3 days\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["signals", "backtest", str(folder), "--rules", str(rules)])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert {(e["subject"], e["start"], e["end"], e["value"]) for e in found} == {
        ("品牌词", "2026-10-03", "2026-10-08", 300.0),
        ("新品推广", "2026-10-03", "2026-10-08", 300.0),
    }


def test_a_bad_rule_file_exits_1_naming_the_rule_and_field(
    app: typer.Typer, folder: Path, tmp_path: Path
) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "- id: my-roi\n  name: {zh: a, en: b}\n  scope: campaign\n  condition: roi < 2\n  window: {meaning: consecutive}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["signals", "backtest", str(folder), "--rules", str(rules)])
    assert result.exit_code == 1
    assert "my-roi" in result.stderr and "window.days" in result.stderr
    missing = CliRunner().invoke(
        app, ["signals", "backtest", str(folder), "--rules", str(tmp_path / "none.yaml")]
    )
    assert missing.exit_code == 1


def test_an_unreadable_data_folder_exits_2(app: typer.Typer, folder: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["signals", "backtest", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "not a folder" in result.stderr
    write(folder / "shanye-tea" / "shop_daily.csv", ["日期,访客数", "2026-10-01,many"])
    result = CliRunner().invoke(app, ["signals", "backtest", str(folder)])
    assert result.exit_code == 2
    assert "shop_daily.csv" in result.stderr and "row 2" in result.stderr
