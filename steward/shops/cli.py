from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Import commands are added by steward.shops.importing (see there)."""
