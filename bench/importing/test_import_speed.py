"""The import of 1,000,000 campaign-days against a bare ``polars.read_csv`` of the same file.

Run with ``make bench`` (``pytest bench --benchmark-only``). Each job runs in its own
process (``bench.importing.measure``) so that its peak memory is its own; the figures that
count are the ones those processes measure around the call itself, which pytest-benchmark
keeps in ``extra_info`` and ``conftest.py`` prints and writes to
``bench/data/import/results.json``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.importing.campaign_file import write_campaign_file

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "bench" / "data" / "import"
EXPORT = DATA / "campaigns_1m.csv"
SQLITE_URL = f"sqlite:///{DATA / 'bench.sqlite3'}"
# A database of its own, dropped and created afresh, never the test suite's.
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/steward_import_bench")
RESULTS: dict[str, dict[str, Any]] = {}


@pytest.fixture(scope="module")
def export() -> Path:
    return write_campaign_file(EXPORT)


def measure(*args: str) -> dict[str, Any]:
    env = {**os.environ, "STEWARD_VAR_DIR": str(DATA / "var"), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "bench.importing.measure", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    if done.returncode != 0:
        raise AssertionError(f"measurement failed:\n{done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _record(name: str, benchmark: Any, result: dict[str, Any]) -> None:
    RESULTS[name] = result
    benchmark.extra_info.update(result)


def test_baseline_polars_read_csv(benchmark: Any, export: Path) -> None:
    result = benchmark.pedantic(measure, args=("baseline", str(export)), rounds=1, iterations=1)
    assert result["rows"] == 1_000_101  # the data rows and the totals line
    _record("baseline", benchmark, result)


def test_read_and_check_without_database(benchmark: Any, export: Path) -> None:
    result = benchmark.pedantic(measure, args=("check", str(export)), rounds=1, iterations=1)
    assert result["rows"] == 1_000_100
    _record("check", benchmark, result)


def test_import_into_sqlite(benchmark: Any, export: Path) -> None:
    result = benchmark.pedantic(
        measure, args=("import", str(export), "--database-url", SQLITE_URL), rounds=1, iterations=1
    )
    assert result["stored_rows"] == 1_000_100
    _record("sqlite", benchmark, result)


def _postgres_reachable() -> bool:
    import psycopg

    server = POSTGRES_URL.rsplit("/", 1)[0].replace("postgres://", "postgresql://", 1)
    try:
        psycopg.connect(server + "/postgres", connect_timeout=3).close()
    except psycopg.OperationalError:
        return False
    return True


def test_import_into_postgresql(benchmark: Any, export: Path) -> None:
    if not _postgres_reachable():
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_URL}")
    result = benchmark.pedantic(
        measure, args=("import", str(export), "--database-url", POSTGRES_URL), rounds=1, iterations=1
    )
    assert result["stored_rows"] == 1_000_100
    _record("postgresql", benchmark, result)
