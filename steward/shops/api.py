"""Shops and their numbers over the API. Every lookup goes through the access rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from steward.accounts.access import can_import, get_shop_for
from steward.accounts.api_auth import current_person
from steward.shops import metrics
from steward.shops.models import ImportBatch, Shop

router = Router(tags=["shops"])


class ShopOut(Schema):
    id: int
    code: str
    name: str
    platform: str
    category: str
    level: str
    opened_on: dt.date | None
    merchant: str
    first_day: dt.date | None = None
    last_day: dt.date | None = None


class KpiOut(Schema):
    start: dt.date
    end: dt.date
    days_with_data: int
    visitors: int | None
    conversion: Decimal | None
    aov: Decimal | None
    gmv: Decimal | None
    ad_spend: Decimal | None
    roi: Decimal | None


class PointOut(Schema):
    date: dt.date
    visitors: int | None
    gmv: Decimal | None
    ad_spend: Decimal | None


class KpiQuery(Schema):
    start: dt.date | None = None
    end: dt.date | None = None


def _shop_out(shop: Shop) -> ShopOut:
    first, last = metrics.data_range(shop)
    return ShopOut(
        id=shop.pk,
        code=shop.code,
        name=shop.name,
        platform=shop.platform,
        category=shop.category,
        level=shop.level,
        opened_on=shop.opened_on,
        merchant=shop.merchant.name,
        first_day=first,
        last_day=last,
    )


@router.get("/", response=list[ShopOut])
def list_shops(request: HttpRequest) -> list[ShopOut]:
    shops = Shop.objects.visible_to(current_person(request)).select_related("merchant")
    return [_shop_out(shop) for shop in shops]


@router.get("/{shop_id}", response=ShopOut)
def get_shop(request: HttpRequest, shop_id: int) -> ShopOut:
    return _shop_out(get_shop_for(current_person(request), pk=shop_id))


def _period(shop: Shop, query: KpiQuery) -> tuple[dt.date, dt.date]:
    _, last = metrics.data_range(shop)
    end = query.end or last or dt.date.today()
    start = query.start or end - dt.timedelta(days=29)
    return start, end


@router.get("/{shop_id}/kpis", response=KpiOut)
def shop_kpis(request: HttpRequest, shop_id: int, query: Query[KpiQuery]) -> KpiOut:
    shop = get_shop_for(current_person(request), pk=shop_id)
    start, end = _period(shop, query)
    k = metrics.kpis(shop, start, end)
    return KpiOut(
        start=k.start,
        end=k.end,
        days_with_data=k.days_with_data,
        visitors=k.visitors,
        conversion=k.conversion,
        aov=k.aov,
        gmv=k.gmv,
        ad_spend=k.ad_spend,
        roi=k.roi,
    )


@router.get("/{shop_id}/daily", response=list[PointOut])
def shop_daily(request: HttpRequest, shop_id: int, query: Query[KpiQuery]) -> list[PointOut]:
    shop = get_shop_for(current_person(request), pk=shop_id)
    start, end = _period(shop, query)
    return [
        PointOut(
            date=p.date,
            visitors=p.visitors,
            gmv=metrics.yuan(p.gmv_fen),
            ad_spend=metrics.yuan(p.ad_spend_fen),
        )
        for p in metrics.daily_series(shop, start, end)
    ]


# --- imports -----------------------------------------------------------------------------------


class ImportRangeOut(Schema):
    date_from: dt.date | None = Field(None, alias="from")
    date_to: dt.date | None = Field(None, alias="to")
    inserted: int
    replaced: int


class ImportOut(Schema):
    kind: str
    rows: int
    inserted: int
    replaced: int
    date_from: dt.date | None
    date_to: dt.date | None
    dry_run: bool
    ranges: list[ImportRangeOut]


class ImportProblemOut(Schema):
    row: int | None
    column: str | None
    reason: str
    reason_zh: str


class ImportRejectedOut(Schema):
    detail: str
    problems: list[ImportProblemOut]
    total: int


class DetailOut(Schema):
    detail: str


class ImportBatchOut(Schema):
    id: int
    kind: str
    filename: str
    sha256: str
    actor: str | None
    created_at: dt.datetime
    rows: int
    inserted: int
    replaced: int
    date_from: dt.date | None
    date_to: dt.date | None


IMPORT_KINDS = "shop-daily, campaigns, skus, reviews, orders, products"


@router.post(
    "/{shop_id}/imports",
    response={201: ImportOut, 403: DetailOut, 422: ImportRejectedOut},
    by_alias=True,
    summary="Import a platform export file (all rows or none)",
)
def create_import(
    request: HttpRequest,
    shop_id: int,
    kind: str = Form(..., description=f"one of: {IMPORT_KINDS}"),
    file: UploadedFile = File(..., description="the .csv or .xlsx export"),  # noqa: B008
    dry_run: bool = Form(False, description="check and count, write nothing"),
) -> Status:
    """A rejected file answers 422 with every problem's row and column; nothing is written."""
    from steward.shops.importing import ImportRejected, run_import

    person = current_person(request)
    shop = get_shop_for(person, pk=shop_id)
    if not can_import(person, shop):
        return Status(403, {"detail": "you may not import numbers into this shop"})
    try:
        outcome = run_import(
            shop=shop,
            kind=kind,
            data=file.read(),
            filename=file.name or "upload",
            actor=person,
            dry_run=dry_run,
        )
    except ImportRejected as rejected:
        return Status(
            422,
            {
                "detail": f"the file was not imported: {rejected.total} problem(s); nothing was written",
                "problems": [problem.as_dict() for problem in rejected.problems],
                "total": rejected.total,
            },
        )
    return Status(201, outcome.as_dict())


@router.get("/{shop_id}/imports", response=list[ImportBatchOut])
def list_imports(request: HttpRequest, shop_id: int) -> list[ImportBatchOut]:
    """The shop's 50 most recent imports, newest first."""
    shop = get_shop_for(current_person(request), pk=shop_id)
    batches = (
        ImportBatch.objects.filter(shop=shop).select_related("actor").order_by("-created_at", "-pk")[:50]
    )
    return [
        ImportBatchOut(
            id=b.pk,
            kind=b.kind,
            filename=b.filename,
            sha256=b.sha256,
            actor=str(b.actor) if b.actor is not None else None,
            created_at=b.created_at,
            rows=b.rows,
            inserted=b.inserted,
            replaced=b.replaced,
            date_from=b.date_from,
            date_to=b.date_to,
        )
        for b in batches
    ]
