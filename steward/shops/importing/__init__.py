"""Importing the platforms' export files (CSV, XLSX) into a shop's tables.

``run_import`` is the one entry point (the API, the CLI and background jobs call it). The
reading and checking modules (``reading``, ``values``, ``validation``) are pure: bytes in,
Polars frames out, no Django models; ``writing`` and ``service`` talk to the database.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from steward.shops.importing.outcome import DateRange, ImportOutcome
from steward.shops.importing.problems import ImportRejected, Problem

if TYPE_CHECKING:
    from steward.accounts.models import Person
    from steward.shops.models import Shop

__all__ = ["DateRange", "ImportOutcome", "ImportRejected", "Problem", "run_import"]


def run_import(
    *,
    shop: Shop,
    kind: str,
    data: bytes,
    filename: str,
    actor: Person | None = None,
    dry_run: bool = False,
) -> ImportOutcome:
    """Import one file into ``shop``; raises ``ImportRejected`` (writing nothing) if it is wrong.

    See ``steward.shops.importing.service.run_import``; imported lazily so that the pure
    modules of this package can be used without Django's models.
    """
    from steward.shops.importing.service import run_import as run

    return run(shop=shop, kind=kind, data=data, filename=filename, actor=actor, dry_run=dry_run)
