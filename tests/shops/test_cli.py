"""`steward import`: exit codes and what it prints."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from steward.accounts.models import Role
from steward.audit.models import AuditEvent
from steward.engagements.models import Assignment
from steward.shops.models import CampaignDaily, ImportBatch
from tests.conftest import World, make_person
from tests.shops.conftest import CAMPAIGN_HEADER, csv_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    from steward.cli import build

    return build()


def run(app: typer.Typer, *args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def export(tmp_path: Path, campaign_file: bytes) -> Path:
    path = tmp_path / "推广报表.csv"
    path.write_bytes(campaign_file)
    return path


def test_import_prints_what_was_inserted_and_replaced(app: typer.Typer, world: World, export: Path) -> None:
    code, out, err = run(app, "import", "campaigns", export, "--shop", "shanye-tmall")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "imported ad campaign daily metrics: 3 rows, 3 inserted, 0 replaced",
        "  2026-10-01 to 2026-10-02: 3 inserted, 0 replaced",
        "  created 2 new campaigns",
    ]
    code, out, _ = run(app, "import", "campaigns", export, "--shop", "shanye-tmall", "--lang", "zh-hans")
    assert code == 0 and out.splitlines()[0] == "已导入推广报表：共 3 行，新增 0 行，覆盖 3 行"
    assert CampaignDaily.objects.filter(shop=world.shop).count() == 3
    assert [e.actor_label for e in AuditEvent.objects.filter(action="import")] == ["system", "system"]


def test_dry_run_writes_nothing(app: typer.Typer, world: World, export: Path) -> None:
    code, out, _ = run(app, "import", "campaigns", export, "--shop", "shanye-tmall", "--dry-run")
    assert code == 0 and out.startswith("dry run, nothing written")
    assert not CampaignDaily.objects.exists() and not ImportBatch.objects.exists()


def test_rejection_prints_rows_and_columns_and_exits_1(
    app: typer.Typer, world: World, tmp_path: Path
) -> None:
    rows = [
        [f"2026-10-{d:02d}", f"plan{i}", "x", "1", "1", "1%", "1", "1", "1"]
        for d in range(1, 31)
        for i in range(2)
    ]
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([CAMPAIGN_HEADER, *rows]))
    code, out, err = run(app, "import", "campaigns", path, "--shop", "shanye-tmall")
    lines = err.splitlines()
    assert (code, out) == (1, "")
    assert lines[0] == "bad.csv was not imported; nothing was written:"
    assert lines[1] == "row 2, column 花费: not a number: 'x'"
    assert len(lines) == 52 and lines[-1] == "… and 10 more problems"
    assert not CampaignDaily.objects.exists()


def test_unknown_shop_file_and_kind(app: typer.Typer, world: World, export: Path, tmp_path: Path) -> None:
    code, _, err = run(app, "import", "campaigns", export, "--shop", "nope")
    assert (code, err.strip()) == (1, "no shop with the code 'nope'")
    code, _, err = run(app, "import", "campaigns", tmp_path / "missing.csv", "--shop", "shanye-tmall")
    assert code == 1 and "cannot read" in err
    code, _, err = run(app, "import", "budgets", export, "--shop", "shanye-tmall")
    assert code == 2 and "budgets" in err


def test_acting_as_a_person_applies_their_access(app: typer.Typer, world: World, export: Path) -> None:
    code, _, _ = run(app, "import", "campaigns", export, "--shop", "shanye-tmall", "--as", "ads")
    assert code == 0
    assert ImportBatch.objects.get().actor == world.ads_specialist
    assert AuditEvent.objects.get(action="import").actor_id == world.ads_specialist.pk
    code, _, err = run(app, "import", "campaigns", export, "--shop", "shanye-tmall", "--as", "fisher")
    assert (code, err.strip()) == (1, "no shop with the code 'shanye-tmall' that fisher can see")
    service = make_person("kefu", "客服小美", world.agency, Role.AGENCY_SERVICE)
    Assignment.objects.create(engagement=world.engagement, person=service, role=Role.AGENCY_SERVICE)
    code, _, err = run(app, "import", "campaigns", export, "--shop", "shanye-tmall", "--as", "kefu")
    assert (code, err.strip()) == (1, "kefu may not import numbers into shanye-tmall")
    code, _, err = run(app, "import", "campaigns", export, "--shop", "shanye-tmall", "--as", "nobody")
    assert (code, err.strip()) == (1, "no active person with the username 'nobody'")
    assert ImportBatch.objects.count() == 1
