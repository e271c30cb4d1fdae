"""Importing a file into a shop: read, check, compare with what is stored, write, record.

All or nothing: every row is read and checked before anything is written; the writes, the
``ImportBatch`` and the one audit event share one transaction. A dry run does the reading,
checking and comparing, and writes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db import transaction

from steward.accounts.models import Person
from steward.audit.services import record
from steward.shops.importing.formats import FORMATS
from steward.shops.importing.outcome import DateRange, ImportOutcome
from steward.shops.importing.problems import ImportRejected, Problem
from steward.shops.importing.reading import ROW, read_table
from steward.shops.importing.validation import Checked, check
from steward.shops.importing.writing import Database
from steward.shops.models import (
    Campaign,
    CampaignDaily,
    ImportBatch,
    Order,
    Review,
    Shop,
    ShopDaily,
    Sku,
    SkuDaily,
    SkuRole,
)

REPLACED = "replaced"


@dataclass(frozen=True)
class Plan:
    """The checked rows, each marked with whether it replaces a stored row."""

    frame: pl.DataFrame
    created: int = 0  # campaigns or products the file names for the first time


def _date_text(column: str = "date") -> pl.Expr:
    return pl.col(column).dt.to_string("%Y-%m-%d")


def _span(frame: pl.DataFrame) -> tuple[str, str]:
    low, high = frame.select(pl.col("date").min().alias("low"), pl.col("date").max().alias("high")).row(0)
    return low.isoformat(), high.isoformat()


def _day_key(day: pl.Expr, owner: pl.Expr | None = None) -> pl.Expr:
    """One integer per (owner, day): the day number (days since 1970) below the owner's id.

    A single integer column is what a hash set tests fastest, a million rows at a time.
    """
    days = day.cast(pl.Int64)
    return days if owner is None else owner.cast(pl.Int64) * 10_000_000 + days


def _stored_day_key(stored: pl.DataFrame, owner: str | None = None) -> pl.Series:
    day = pl.col("date").str.to_date("%Y-%m-%d")
    return stored.select(_day_key(day, None if owner is None else pl.col(owner))).to_series()


def _mark(frame: pl.DataFrame, key: pl.Expr, stored: pl.Series) -> pl.DataFrame:
    """``frame`` with ``replaced`` true on the rows whose key is in ``stored``."""
    return frame.with_columns(key.is_in(stored.implode()).fill_null(False).alias(REPLACED))


# --- names the file may introduce: campaigns and products --------------------------------


def _campaign_ids(db: Database, shop: Shop) -> pl.DataFrame:
    return db.frame(
        "SELECT name, id FROM {table} WHERE shop_id = %s",
        [shop.pk],
        {"campaign": pl.String, "campaign_id": pl.Int64},
        table=Campaign,
    )


def _sku_ids(db: Database, shop: Shop) -> pl.DataFrame:
    return db.frame(
        "SELECT code, id FROM {table} WHERE shop_id = %s",
        [shop.pk],
        {"sku": pl.String, "sku_id": pl.Int64},
        table=Sku,
    )


def _create_campaigns(db: Database, shop: Shop, frame: pl.DataFrame) -> pl.DataFrame:
    known = _campaign_ids(db, shop)
    new = frame.select("campaign").unique().join(known, on="campaign", how="anti")
    db.execute_many(
        "INSERT INTO {table} (shop_id, name) VALUES (%s, %s) ON CONFLICT (shop_id, name) DO NOTHING",
        [(shop.pk, name) for name in new.get_column("campaign").sort().to_list()],
        table=Campaign,
    )
    return _campaign_ids(db, shop) if new.height else known


def _create_skus(db: Database, shop: Shop, frame: pl.DataFrame) -> pl.DataFrame:
    """Products a metric file or review file names that the shop does not list yet."""
    known = _sku_ids(db, shop)
    names = frame.get_column("name") if "name" in frame.columns else pl.lit(None, pl.String)
    new = (
        frame.select(pl.col("sku"), names.alias("name"))
        .drop_nulls("sku")
        .group_by("sku", maintain_order=True)
        .agg(pl.col("name").drop_nulls().first())
        .join(known, on="sku", how="anti")
    )
    db.execute_many(
        "INSERT INTO {table} (shop_id, code, name, role) VALUES (%s, %s, %s, %s) "
        "ON CONFLICT (shop_id, code) DO NOTHING",
        [(shop.pk, code, name or "", SkuRole.LONG_TAIL.value) for code, name in new.iter_rows()],
        table=Sku,
    )
    return _sku_ids(db, shop) if new.height else known


def _new_names(frame: pl.DataFrame, known: pl.DataFrame, column: str) -> int:
    return frame.select(pl.col(column).drop_nulls().unique()).join(known, on=column, how="anti").height


# --- each kind: what is already stored, and how to write ------------------------------------


def _plan_shop_daily(db: Database, shop: Shop, frame: pl.DataFrame) -> Plan:
    low, high = _span(frame)
    stored = db.keys(
        {"date": pl.String}, "shop_id = %s AND date BETWEEN %s AND %s", [shop.pk, low, high], table=ShopDaily
    )
    return Plan(_mark(frame, _day_key(pl.col("date")), _stored_day_key(stored)))


def _write_shop_daily(db: Database, shop: Shop, plan: Plan) -> None:
    values = [c for c in plan.frame.columns if c not in {ROW, REPLACED, "date"}]
    rows = plan.frame.select(pl.lit(shop.pk).alias("shop_id"), "date", *values)
    db.insert(ShopDaily, rows, key=["shop_id", "date"], update=values)


def _plan_campaigns(db: Database, shop: Shop, frame: pl.DataFrame) -> Plan:
    low, high = _span(frame)
    known = _campaign_ids(db, shop)
    stored = db.keys(
        {"campaign_id": pl.Int64, "date": pl.String},
        "shop_id = %s AND date BETWEEN %s AND %s",
        [shop.pk, low, high],
        table=CampaignDaily,
    )
    keyed = frame.join(known, on="campaign", how="left", maintain_order="left")
    key = _day_key(pl.col("date"), pl.col("campaign_id"))
    marked = _mark(keyed, key, _stored_day_key(stored, "campaign_id")).drop("campaign_id")
    return Plan(marked, created=_new_names(frame, known, "campaign"))


def _write_campaigns(db: Database, shop: Shop, plan: Plan) -> None:
    ids = _create_campaigns(db, shop, plan.frame)
    values = ["spend_fen", "impressions", "clicks", "revenue_fen", "orders", "ctr_ppm", "roi_e4"]
    rows = (
        plan.frame.join(ids, on="campaign", how="left")
        .select(pl.lit(shop.pk).alias("shop_id"), "campaign_id", "date", *values)
        # In key order, each index page is filled once instead of being revisited.
        .sort("campaign_id", "date")
    )
    db.insert(CampaignDaily, rows, key=["shop_id", "campaign_id", "date"], update=values)


def _plan_skus(db: Database, shop: Shop, frame: pl.DataFrame) -> Plan:
    low, high = _span(frame)
    known = _sku_ids(db, shop)
    stored = db.keys(
        {"sku_id": pl.Int64, "date": pl.String},
        "shop_id = %s AND date BETWEEN %s AND %s",
        [shop.pk, low, high],
        table=SkuDaily,
    )
    keyed = frame.join(known, on="sku", how="left", maintain_order="left")
    marked = _mark(keyed, _day_key(pl.col("date"), pl.col("sku_id")), _stored_day_key(stored, "sku_id"))
    return Plan(marked.drop("sku_id"), created=_new_names(frame, known, "sku"))


def _write_skus(db: Database, shop: Shop, plan: Plan) -> None:
    ids = _create_skus(db, shop, plan.frame)
    values = ["visitors", "units", "paid_orders", "gmv_fen", "stock"]
    rows = (
        plan.frame.join(ids, on="sku", how="left")
        .select(pl.lit(shop.pk).alias("shop_id"), "sku_id", "date", *values)
        .sort("sku_id", "date")
    )
    db.insert(SkuDaily, rows, key=["shop_id", "sku_id", "date"], update=values)


def _plan_reviews(db: Database, shop: Shop, frame: pl.DataFrame) -> Plan:
    # Reviews have no key of their own: a day in the file replaces that day's stored reviews.
    low, high = _span(frame)
    stored = db.keys(
        {"date": pl.String}, "shop_id = %s AND date BETWEEN %s AND %s", [shop.pk, low, high], table=Review
    ).unique()
    marked = _mark(frame, _day_key(pl.col("date")), _stored_day_key(stored))
    return Plan(marked, created=_new_names(frame, _sku_ids(db, shop), "sku"))


def _write_reviews(db: Database, shop: Shop, plan: Plan) -> None:
    ids = _create_skus(db, shop, plan.frame)
    days = plan.frame.select(_date_text().unique().sort()).to_series().to_list()
    db.execute_many(
        "DELETE FROM {table} WHERE shop_id = %s AND date = %s",
        [(shop.pk, d) for d in days],
        table=Review,
    )
    rows = plan.frame.join(ids, on="sku", how="left", maintain_order="left").select(
        pl.lit(shop.pk).alias("shop_id"),
        "sku_id",
        "date",
        "reviewed_at",
        "rating",
        "stars",
        "is_bad",
        "content",
    )
    db.insert(Review, rows)


def _plan_orders(db: Database, shop: Shop, frame: pl.DataFrame) -> Plan:
    stored = db.frame(
        "SELECT order_id FROM {table} WHERE shop_id = %s",
        [shop.pk],
        {"order_id": pl.String},
        table=Order,
    )
    return Plan(_mark(frame, pl.col("order_id"), stored.get_column("order_id")))


def _write_orders(db: Database, shop: Shop, plan: Plan) -> None:
    values = ["buyer", "paid_at", "amount_fen", "status", "is_purchase", "sku_code", "quantity"]
    rows = plan.frame.select(pl.lit(shop.pk).alias("shop_id"), "order_id", *values)
    db.insert(Order, rows, key=["shop_id", "order_id"], update=values)


def _plan_products(db: Database, shop: Shop, frame: pl.DataFrame, headers: dict[str, str]) -> Plan:
    known = _sku_ids(db, shop)
    if "substitute" in headers:
        _check_substitutes(frame, known, headers["substitute"])
    return Plan(_mark(frame, pl.col("sku"), known.get_column("sku")))


def _check_substitutes(frame: pl.DataFrame, known: pl.DataFrame, header: str) -> None:
    """A substitute must be another product of the shop: listed in the file or already stored."""
    codes = pl.concat([frame.select("sku"), known.select("sku")]).unique()
    named = frame.filter(pl.col("substitute").is_not_null())
    itself = named.filter(pl.col("substitute") == pl.col("sku"))
    unknown = named.join(codes.rename({"sku": "substitute"}), on="substitute", how="anti")
    problems = [
        Problem(row, header, f"a product cannot substitute itself: {code!r}", f"商品不能替代它自己：{code!r}")
        for row, code in itself.select(ROW, "substitute").iter_rows()
    ] + [
        Problem(
            row,
            header,
            f"no product {code!r} in this file or the shop",
            f"文件和店铺中都没有商品 {code!r}",
        )
        for row, code in unknown.select(ROW, "substitute").iter_rows()
    ]
    if problems:
        raise ImportRejected(problems)


def _write_products(db: Database, shop: Shop, plan: Plan, headers: dict[str, str]) -> None:
    values = ["name", "price", "cost", "role"]
    rows = plan.frame.select(pl.lit(shop.pk).alias("shop_id"), pl.col("sku").alias("code"), *values)
    db.insert(Sku, rows, key=["shop_id", "code"], update=values)
    if "substitute" in headers:
        # An empty cell clears the substitute; a file without the column leaves them alone.
        db.execute_many(
            "UPDATE {table} SET substitute_id = "
            "(SELECT s.id FROM {table} s WHERE s.shop_id = %s AND s.code = %s) "
            "WHERE shop_id = %s AND code = %s",
            [
                (shop.pk, substitute, shop.pk, code)
                for code, substitute in plan.frame.select("sku", "substitute").iter_rows()
            ],
            table=Sku,
        )


Planner = Callable[[Database, Shop, Checked], Plan]
Writer = Callable[[Database, Shop, Plan, Checked], None]

_PLANNERS: dict[str, Planner] = {
    "shop-daily": lambda db, shop, c: _plan_shop_daily(db, shop, c.frame),
    "campaigns": lambda db, shop, c: _plan_campaigns(db, shop, c.frame),
    "skus": lambda db, shop, c: _plan_skus(db, shop, c.frame),
    "reviews": lambda db, shop, c: _plan_reviews(db, shop, c.frame),
    "orders": lambda db, shop, c: _plan_orders(db, shop, c.frame),
    "products": lambda db, shop, c: _plan_products(db, shop, c.frame, c.headers),
}
_WRITERS: dict[str, Writer] = {
    "shop-daily": lambda db, shop, p, c: _write_shop_daily(db, shop, p),
    "campaigns": lambda db, shop, p, c: _write_campaigns(db, shop, p),
    "skus": lambda db, shop, p, c: _write_skus(db, shop, p),
    "reviews": lambda db, shop, p, c: _write_reviews(db, shop, p),
    "orders": lambda db, shop, p, c: _write_orders(db, shop, p),
    "products": lambda db, shop, p, c: _write_products(db, shop, p, c.headers),
}


# --- the outcome ----------------------------------------------------------------------------


def _ranges(frame: pl.DataFrame) -> tuple[DateRange, ...]:
    """Inserted and replaced rows per run of consecutive days (plus undated rows, if any)."""
    if "date" not in frame.columns:
        return ()
    per_day = (
        frame.group_by("date")
        .agg(pl.len().alias("rows"), pl.col(REPLACED).sum().alias("replaced"))
        .sort("date", nulls_last=True)
    )
    dated = per_day.filter(pl.col("date").is_not_null())
    runs = (
        dated.with_columns((pl.col("date").diff().dt.total_days().fill_null(1) > 1).cum_sum().alias("run"))
        .group_by("run")
        .agg(
            pl.col("date").min().alias("from"),
            pl.col("date").max().alias("to"),
            pl.col("rows").sum(),
            pl.col("replaced").sum(),
        )
        .sort("run")
    )
    ranges = [
        DateRange(start, end, int(rows) - int(replaced), int(replaced))
        for start, end, rows, replaced in runs.select("from", "to", "rows", "replaced").iter_rows()
    ]
    undated = per_day.filter(pl.col("date").is_null())
    if undated.height:
        rows, replaced = undated.select("rows", "replaced").row(0)
        ranges.append(DateRange(None, None, int(rows) - int(replaced), int(replaced)))
    return tuple(ranges)


def _outcome(checked: Checked, plan: Plan, *, filename: str, sha256: str, dry_run: bool) -> ImportOutcome:
    frame = plan.frame
    replaced = int(frame.get_column(REPLACED).sum())
    low: dt.date | None = None
    high: dt.date | None = None
    if "date" in frame.columns:
        low, high = frame.select(pl.col("date").min().alias("low"), pl.col("date").max().alias("high")).row(0)
    return ImportOutcome(
        kind=checked.kind,
        rows=frame.height,
        inserted=frame.height - replaced,
        replaced=replaced,
        date_from=low,
        date_to=high,
        dry_run=dry_run,
        ranges=_ranges(frame),
        filename=filename,
        sha256=sha256,
        created=plan.created,
    )


def _audit_after(outcome: ImportOutcome) -> dict[str, Any]:
    data = outcome.as_dict()
    return {
        "kind": outcome.kind,
        "filename": outcome.filename,
        "sha256": outcome.sha256,
        "rows": outcome.rows,
        "inserted": outcome.inserted,
        "replaced": outcome.replaced,
        "date_from": data["date_from"],
        "date_to": data["date_to"],
        "ranges": data["ranges"],
    }


def run_import(
    *,
    shop: Shop,
    kind: str,
    data: bytes,
    filename: str,
    actor: Person | None = None,
    dry_run: bool = False,
) -> ImportOutcome:
    """Import one file into ``shop``; raises ``ImportRejected`` (writing nothing) if it is wrong."""
    fmt = FORMATS.get(kind)
    if fmt is None:
        kinds = ", ".join(FORMATS)
        raise ImportRejected(
            [
                Problem(
                    None,
                    None,
                    f"unknown kind of file {kind!r} (one of {kinds})",
                    f"未知的文件类型 {kind!r}（可选：{kinds}）",
                )
            ]
        )
    checked = check(read_table(data, filename, fmt), fmt)
    digest = hashlib.sha256(data).hexdigest()
    if dry_run:
        plan = _PLANNERS[kind](Database(), shop, checked)
        return _outcome(checked, plan, filename=filename, sha256=digest, dry_run=True)
    with transaction.atomic():
        # Imports into one shop take turns, so "replaced" counts what this import replaced.
        Shop.objects.select_for_update().filter(pk=shop.pk).values_list("pk", flat=True).get()
        db = Database()
        plan = _PLANNERS[kind](db, shop, checked)
        _WRITERS[kind](db, shop, plan, checked)
        outcome = _outcome(checked, plan, filename=filename, sha256=digest, dry_run=False)
        batch = ImportBatch.objects.create(
            shop=shop,
            kind=kind,
            filename=filename[:255],
            sha256=digest,
            actor=actor,
            rows=outcome.rows,
            inserted=outcome.inserted,
            replaced=outcome.replaced,
            date_from=outcome.date_from,
            date_to=outcome.date_to,
        )
        record(
            "import",
            actor=actor,
            target=batch,
            shop_id=shop.pk,
            summary=f"{outcome.summary_lines('zh-hans')[0]}（{filename}）",
            after=_audit_after(outcome),
        )
        # New numbers: the shop's signal rules are evaluated on the queue once the rows are in.
        transaction.on_commit(lambda: _queue_signal_evaluation(shop.pk))
    return dataclasses.replace(outcome, batch_id=batch.pk)


def _queue_signal_evaluation(shop_id: int) -> None:
    from steward.signals.tasks import queue_evaluation

    queue_evaluation([shop_id])
