"""Prints the import figures at the end of the run and keeps them in results.json."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from typing import Any

import pytest

from bench.importing.test_import_speed import DATA, RESULTS


def _machine() -> dict[str, Any]:
    model = ""
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        model = next(
            (line.split(":", 1)[1].strip() for line in lscpu.splitlines() if "Model name" in line), ""
        )
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "load_average_at_end": os.getloadavg(),
    }


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if "baseline" not in RESULTS:
        return
    base = RESULTS["baseline"]["seconds"]
    lines = [f"polars.read_csv baseline: {base:.2f} s, peak {RESULTS['baseline']['peak_rss_mib']:.0f} MiB"]
    if "check" in RESULTS:
        check = RESULTS["check"]
        lines.append(
            f"read + check, no database: {check['seconds']:.2f} s ({check['seconds'] / base:.1f}x), "
            f"peak {check['peak_rss_mib']:.0f} MiB"
        )
    for name in ("sqlite", "postgresql"):
        if name not in RESULTS:
            continue
        for run in RESULTS[name]["runs"]:
            lines.append(
                f"run_import on {name}, {run['run']}: {run['seconds']:.2f} s ({run['seconds'] / base:.1f}x), "
                f"peak {run['peak_rss_after_mib']:.0f} MiB"
            )
    terminalreporter.write_sep("=", "import of 1,000,100 campaign-days")
    for line in lines:
        terminalreporter.write_line(line)
    DATA.mkdir(parents=True, exist_ok=True)
    (DATA / "results.json").write_text(
        json.dumps({"machine": _machine(), "results": RESULTS}, ensure_ascii=False, indent=2),
        encoding="utf-8",
    )
