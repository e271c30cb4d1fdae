"""One measurement per process, so each peak-memory figure belongs to one job alone.

    python -m bench.importing.measure baseline FILE
    python -m bench.importing.measure check FILE
    python -m bench.importing.measure import FILE --database-url URL

Prints one JSON line: wall seconds of each measured call (reading the file's bytes
included), CPU seconds of this process (all its threads; a database server's own work is
not in it), and the process's peak resident memory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPEATS = 3


def _peak_rss_mib() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _timed(call: Callable[[], Any]) -> tuple[float, float, Any]:
    cpu = _cpu_seconds()
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, _cpu_seconds() - cpu, result


def baseline(path: Path) -> dict[str, Any]:
    import polars as pl

    # The file opens with a title line, as the platforms' exports do; skipping it is the
    # least a bare read must do to get the table at all.
    runs = [_timed(lambda: pl.read_csv(path, skip_rows=1)) for _ in range(REPEATS)]
    return {
        "job": "polars.read_csv(path, skip_rows=1)",
        "seconds": statistics.median(r[0] for r in runs),
        "seconds_each": [r[0] for r in runs],
        "cpu_seconds": statistics.median(r[1] for r in runs),
        "rows": runs[0][2].height,
    }


def check_only(path: Path) -> dict[str, Any]:
    """Reading and checking alone (no database): the part of an import Polars does."""
    from steward.shops.importing.formats import FORMATS
    from steward.shops.importing.reading import read_table
    from steward.shops.importing.validation import check

    fmt = FORMATS["campaigns"]
    runs = [_timed(lambda: check(read_table(path.read_bytes(), path.name, fmt), fmt)) for _ in range(REPEATS)]
    return {
        "job": "read_table + check (no database)",
        "seconds": statistics.median(r[0] for r in runs),
        "seconds_each": [r[0] for r in runs],
        "cpu_seconds": statistics.median(r[1] for r in runs),
        "rows": runs[0][2].frame.height,
    }


def _fresh_database(url: str) -> None:
    if url.startswith("sqlite:///"):
        database = Path(url.removeprefix("sqlite:///"))
        database.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    server, name = url.rsplit("/", 1)
    admin = server.replace("postgres://", "postgresql://", 1) + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def full_import(path: Path, url: str) -> dict[str, Any]:
    _fresh_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from steward.accounts.models import Organisation, OrganisationKind
    from steward.shops.importing import run_import
    from steward.shops.models import CampaignDaily, Platform, Shop

    call_command("migrate", verbosity=0)
    merchant = Organisation.objects.create(name="基准商家", kind=OrganisationKind.MERCHANT)
    shop = Shop.objects.create(code="bench", name="基准店铺", platform=Platform.TMALL, merchant=merchant)
    runs = []
    for attempt in ("first import: every row new", "same file again: every row replaced"):
        rss_before = _peak_rss_mib()
        seconds, cpu, outcome = _timed(
            lambda: run_import(shop=shop, kind="campaigns", data=path.read_bytes(), filename=path.name)
        )
        runs.append(
            {
                "run": attempt,
                "seconds": seconds,
                "cpu_seconds": cpu,
                "rows": outcome.rows,
                "inserted": outcome.inserted,
                "replaced": outcome.replaced,
                "peak_rss_before_mib": rss_before,
                "peak_rss_after_mib": _peak_rss_mib(),
            }
        )
    return {
        "job": f"run_import on {connection.vendor}",
        "runs": runs,
        "seconds": runs[0]["seconds"],
        "stored_rows": CampaignDaily.objects.filter(shop=shop).count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("job", choices=["baseline", "check", "import"])
    parser.add_argument("file", type=Path)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    if args.job == "baseline":
        result = baseline(args.file)
    elif args.job == "check":
        result = check_only(args.file)
    else:
        result = full_import(args.file, args.database_url)
    result["peak_rss_mib"] = _peak_rss_mib()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
