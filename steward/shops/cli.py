"""`steward import KIND FILE --shop CODE`: load a platform export into a shop from the shell.

The command runs with the operator's authority (the audit log says 'system'); with
``--as USERNAME`` it acts as that person and is held to the same access rule as the API.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class Kind(StrEnum):
    SHOP_DAILY = "shop-daily"
    CAMPAIGNS = "campaigns"
    SKUS = "skus"
    REVIEWS = "reviews"
    ORDERS = "orders"
    PRODUCTS = "products"


class Language(StrEnum):
    EN = "en"
    ZH = "zh-hans"


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(1)


def import_file(
    kind: Annotated[Kind, typer.Argument(help="what the file holds", show_default=False)],
    file: Annotated[Path, typer.Argument(help="the .csv or .xlsx export", show_default=False)],
    shop: Annotated[str, typer.Option("--shop", help="the shop's code", show_default=False)],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="check and count, write nothing")] = False,
    as_username: Annotated[
        str | None, typer.Option("--as", help="act as this person (their access applies)", show_default=False)
    ] = None,
    lang: Annotated[Language, typer.Option("--lang", help="language of the report")] = Language.EN,
) -> None:
    """Import a platform export file into a shop (all rows or none)."""
    from django.http import Http404

    from steward.accounts.access import can_import, get_shop_for
    from steward.accounts.models import Person
    from steward.shops.importing import ImportRejected, run_import
    from steward.shops.models import Shop

    actor: Person | None = None
    if as_username is not None:
        actor = Person.objects.filter(username=as_username, is_active=True).first()
        if actor is None:
            raise _fail(f"no active person with the username {as_username!r}")
        try:
            target = get_shop_for(actor, code=shop)
        except Http404:
            raise _fail(f"no shop with the code {shop!r} that {as_username} can see") from None
        if not can_import(actor, target):
            raise _fail(f"{as_username} may not import numbers into {target.code}")
    else:
        found = Shop.objects.filter(code=shop).first()
        if found is None:
            raise _fail(f"no shop with the code {shop!r}")
        target = found
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise _fail(f"cannot read {file}: {exc.strerror or exc}") from None
    try:
        outcome = run_import(
            shop=target, kind=kind, data=data, filename=file.name, actor=actor, dry_run=dry_run
        )
    except ImportRejected as rejected:
        heading = (
            f"{file.name} 未导入，没有写入任何数据："
            if lang.startswith("zh")
            else f"{file.name} was not imported; nothing was written:"
        )
        typer.echo(heading, err=True)
        for line in rejected.lines(lang):
            typer.echo(line, err=True)
        raise typer.Exit(1) from None
    for line in outcome.summary_lines(lang):
        typer.echo(line)


def register(app: typer.Typer) -> None:
    app.command("import")(import_file)
