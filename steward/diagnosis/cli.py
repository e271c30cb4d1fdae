"""``steward diagnose --shop CODE --format pdf|xlsx|md --out FILE``."""

from __future__ import annotations

from pathlib import Path

import typer


def diagnose(
    shop: str = typer.Option(..., "--shop", help="店铺代码"),
    fmt: str = typer.Option("pdf", "--format", help="pdf | xlsx | md"),
    out: Path = typer.Option(..., "--out", help="输出文件"),  # noqa: B008 - typer reads defaults
) -> None:
    """Write a shop's diagnosis to a file."""
    from steward.diagnosis.exports import FORMATS, NoDiagnosisData
    from steward.diagnosis.services import diagnosis_of
    from steward.documents.pdf import NoChineseFont
    from steward.shops.models import Shop

    if fmt not in FORMATS:
        typer.echo(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}", err=True)
        raise typer.Exit(2)
    found = Shop.objects.filter(code=shop).first()
    if found is None:
        typer.echo(f"no shop with code {shop!r}", err=True)
        raise typer.Exit(2)
    try:
        data = FORMATS[fmt][2](diagnosis_of(found))
    except NoDiagnosisData:
        typer.echo(f"{shop} has no daily numbers yet: import a shop report first", err=True)
        raise typer.Exit(1) from None
    except NoChineseFont as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    out.write_bytes(data)
    typer.echo(f"wrote {out} ({len(data):,} bytes)")


def register(app: typer.Typer) -> None:
    app.command("diagnose")(diagnose)
