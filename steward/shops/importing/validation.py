"""Checking a table of cells against its file format, all at once, into storable columns.

The whole file is read before anything is judged, and every problem is collected (the
first 50 are described), so one round of fixes in Excel is enough. Nothing here touches the
database; what depends on the shop's existing rows is checked by the service.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from steward.shops.importing import values as v
from steward.shops.importing.formats import INT32_MAX, Field, FileFormat, ValueType
from steward.shops.importing.problems import PROBLEM_LIMIT, ImportRejected, Problem
from steward.shops.importing.reading import ROW, Table

RAW = "raw:"  # the cells as read, kept for messages
WHY = "why:"  # the reason a field's cell is wrong, per row


@dataclass(frozen=True)
class Checked:
    """A file that passed every check: ``frame`` holds ``_row`` and the storable columns."""

    kind: str
    frame: pl.DataFrame
    headers: dict[str, str]

    @property
    def fields(self) -> frozenset[str]:
        """The fields the file has a column for."""
        return frozenset(self.headers)


def stored_name(field: Field) -> str:
    """The column a field's value is stored in: gmv -> gmv_fen, ctr -> ctr_ppm."""
    match field.type:
        case ValueType.MONEY:
            return f"{field.name}_fen"
        case ValueType.RATE:
            return f"{field.name.removesuffix('_rate')}_ppm"
        case ValueType.RATIO:
            return f"{field.name}_e4"
        case ValueType.SECONDS:
            return f"{field.name.removesuffix('_s')}_ms"
        case _:
            return field.name


def _null_int() -> pl.Expr:
    return pl.lit(None, pl.Int64)


def _divide_half_up(numerator: pl.Expr, denominator: pl.Expr, scale: int) -> pl.Expr:
    """round(numerator × scale ÷ denominator) for non-negative integers, null when ÷ 0.

    Computed in 128 bits so no stated count can overflow the intermediate product.
    """
    n = numerator.cast(pl.Int128) * scale
    d = denominator.cast(pl.Int128)
    quotient = (2 * n + d) // (2 * d)
    return pl.when(d > 0).then(quotient.cast(pl.Int64)).otherwise(_null_int())


def _derived_rate(numerator: str, denominator: str) -> pl.Expr:
    rate = _divide_half_up(pl.col(numerator), pl.col(denominator), 1_000_000)
    # A rate the 32-bit column cannot hold only arises from inconsistent counts (far more
    # buyers than visitors); it is left empty rather than failing the database write.
    return pl.when(rate <= INT32_MAX).then(rate).otherwise(_null_int())


def _why(name: str) -> str:
    return f"{WHY}{name}"


def _raw(name: str) -> str:
    return f"{RAW}{name}"


def _quick(field: Field, text: pl.Expr, forms: dict[str, bool]) -> v.Reading:
    name = field.name
    whole_only = not forms.get(f"dot:{name}", True)
    match field.type:
        case ValueType.DATE:
            return v.quick_date(name, text)
        case ValueType.COUNT:
            limit = INT32_MAX if field.small else None
            return v.quick_scaled(name, text, decimals=0, limit=limit, whole_only=whole_only)
        case ValueType.MONEY:
            return v.quick_scaled(name, text, decimals=2, whole_only=whole_only)
        case ValueType.RATE:
            suffix = "%" if forms[name] else None
            return v.quick_scaled(
                name, text, decimals=6, suffix=suffix, limit=1_000_000, whole_only=whole_only
            )
        case ValueType.RATIO:
            return v.quick_scaled(name, text, decimals=4, whole_only=whole_only)
        case ValueType.TEXT:
            # Text is read exactly in one step, on every row, by its precise reader.
            return v.Reading(name).stage(quick=pl.lit(None, pl.String), deferred=pl.lit(False))
        case _:
            # Timestamps and durations are rare enough to go to the precise reader whole.
            return v.Reading(name).stage(quick=pl.lit(None), deferred=text.is_not_null())


def _precise(field: Field, text: pl.Expr, forms: dict[str, bool]) -> v.Reading:
    name = field.name
    match field.type:
        case ValueType.DATE:
            return v.calendar_date(name, text)
        case ValueType.TIMESTAMP:
            return v.moment(name, text)
        case ValueType.COUNT:
            return v.count(name, text, small=field.small)
        case ValueType.MONEY:
            return v.money_fen(name, text)
        case ValueType.RATE:
            return v.rate_ppm(name, text, percent=forms[name])
        case ValueType.RATIO:
            return v.ratio_e4(name, text)
        case ValueType.SECONDS:
            return v.seconds_ms(name, text)
        case ValueType.TEXT:
            return v.text_value(name, text, max_length=field.max_length)


_NUMBERS = (ValueType.COUNT, ValueType.MONEY, ValueType.RATE, ValueType.RATIO)


def _column_forms(fields: list[Field], frame: pl.DataFrame) -> dict[str, bool]:
    """How each numeric column is written, in one pass over the file.

    ``name``: a rate column writes percentages (a column never mixes the two forms);
    ``dot:name``: some cell has a decimal point (integer columns then skip looking for one).
    """
    checks: list[pl.Expr] = []
    for field in fields:
        if field.type not in _NUMBERS:
            continue
        text = pl.col(_raw(field.name))
        checks.append(text.str.contains(".", literal=True).any().alias(f"dot:{field.name}"))
        if field.type is ValueType.RATE:
            percent = text.str.contains("%", literal=True) | text.str.contains("％", literal=True)
            checks.append(percent.any().alias(field.name))
    if not checks:
        return {}
    return {key: bool(value) for key, value in frame.select(checks).row(0, named=True).items()}


def _run(frame: pl.DataFrame, readings: list[v.Reading]) -> pl.DataFrame:
    """Run the readings' stages, those of all fields side by side."""
    depth = max((len(r.stages) for r in readings), default=0)
    for i in range(depth):
        # Eagerly, stage by stage: a lazy plan would fuse the stages back into one nested
        # expression and recompute every shared part.
        frame = frame.with_columns(e for r in readings if i < len(r.stages) for e in r.stages[i])
        # A reading's scratch columns go as soon as it is done: on a million rows each is
        # tens of megabytes, and a dozen fields' worth would dominate the peak memory.
        finished = {r.prefix for r in readings if len(r.stages) == i + 1}
        scratch = [
            c
            for c in frame.columns
            if c.partition("#")[0] in finished and c.partition("#")[2] not in _OUTPUTS
        ]
        frame = frame.drop(scratch)
    return frame


_OUTPUTS = frozenset({"quick", "deferred", "value", "reason", "instant", "has_time"})


def _read_values(fmt: FileFormat, table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    """Every field's value and reason column, the quick way where it can vouch for a cell.

    The precise readers run only on the rows the quick ones deferred; for a typical export
    that is no row at all, and the file costs a few whole-column kernels per field.
    """
    fields = [fmt.field(n) for n in table.headers]
    forms = _column_forms(fields, frame)
    frame = _run(frame, [_quick(f, pl.col(_raw(f.name)), forms) for f in fields])
    counts = frame.select(pl.col(f"{f.name}#deferred").sum().alias(f.name) for f in fields).row(0, named=True)
    slow = [f for f in fields if counts[f.name] or f.type is ValueType.TEXT]
    if slow:
        needs_rows = [f for f in slow if f.type is not ValueType.TEXT]
        readings = [_precise(f, pl.col(_raw(f.name)), forms) for f in slow]
        if needs_rows:
            subset = frame.filter(pl.any_horizontal(pl.col(f"{f.name}#deferred") for f in needs_rows))
            done = _run(subset, [r for f, r in zip(slow, readings, strict=True) if f in needs_rows])
            outputs = ("value", "reason", "instant", "has_time")
            frame = frame.join(
                done.select(
                    ROW,
                    *[
                        f"{f.name}#{part}"
                        for f in needs_rows
                        for part in outputs
                        if f"{f.name}#{part}" in done.columns
                    ],
                ),
                on=ROW,
                how="left",
                maintain_order="left",
            )
        text_readings = [r for f, r in zip(slow, readings, strict=True) if f.type is ValueType.TEXT]
        frame = _run(frame, text_readings)
    finals: list[pl.Expr] = []
    for field in fields:
        name = field.name
        deferred = pl.col(f"{name}#deferred")
        if field.type is ValueType.TEXT or counts[name]:
            value = pl.when(deferred).then(pl.col(f"{name}#value")).otherwise(pl.col(f"{name}#quick"))
            reason = pl.when(deferred).then(pl.col(f"{name}#reason")).otherwise(pl.lit(None, pl.String))
            if field.type is ValueType.TEXT:
                value, reason = pl.col(f"{name}#value"), pl.col(f"{name}#reason")
        else:
            value, reason = pl.col(f"{name}#quick"), pl.lit(None, pl.String)
        out = stored_name(field)
        if field.type is ValueType.TIMESTAMP:
            out = "date" if name == "date" else f"{name}:day"
            if counts[name]:
                finals += [
                    pl.col(f"{name}#instant").alias(f"{name}:at"),
                    pl.col(f"{name}#has_time").fill_null(False).alias(f"{name}:has_time"),
                ]
            else:
                finals += [
                    pl.lit(None, pl.Datetime("us", "UTC")).alias(f"{name}:at"),
                    pl.lit(False).alias(f"{name}:has_time"),
                ]
                value = pl.lit(None, pl.Date)
        if field.needs_value:
            reason = pl.when(value.is_null() & reason.is_null()).then(pl.lit("missing")).otherwise(reason)
        finals += [value.alias(out), reason.alias(_why(name))]
    return frame.with_columns(finals).select(pl.exclude(r"^.*#.*$"))


# --- what each kind of file adds to its plain fields -----------------------------------------


def _campaigns(frame: pl.LazyFrame, fields: frozenset[str]) -> pl.LazyFrame:
    if "ctr" not in fields:
        frame = frame.with_columns(_derived_rate("clicks", "impressions").alias("ctr_ppm"))
    if "roi" not in fields:
        frame = frame.with_columns(
            _divide_half_up(pl.col("revenue_fen"), pl.col("spend_fen"), 10_000).alias("roi_e4")
        )
    # ROI is undefined when nothing was spent, whatever the export printed there; a stated
    # 0 would otherwise read as a failing campaign to every ROI rule.
    return frame.with_columns(
        pl.when(pl.col("spend_fen") == 0).then(_null_int()).otherwise(pl.col("roi_e4")).alias("roi_e4")
    )


def _shop_daily(frame: pl.LazyFrame, fields: frozenset[str]) -> pl.LazyFrame:
    if "conversion_rate" not in fields:
        frame = frame.with_columns(_derived_rate("paid_buyers", "visitors").alias("conversion_ppm"))
    if "aov" not in fields:
        frame = frame.with_columns(
            _divide_half_up(pl.col("gmv_fen"), pl.col("paid_buyers"), 1).alias("aov_fen")
        )
    return frame


_RATINGS = {"好评": 5, "中评": 3, "差评": 1}


def _reviews(frame: pl.LazyFrame, fields: frozenset[str]) -> pl.LazyFrame:
    rating = pl.col("rating")
    # 5, 5星, 5分, ★★★★★ all mean five stars.
    written_stars = rating.str.extract(r"^([1-5])\s*(?:星|分|stars?)?$").cast(pl.Int16, strict=False)
    drawn_stars = pl.when(rating.str.contains(r"^★{1,5}$")).then(rating.str.len_chars().cast(pl.Int16))
    stars = pl.coalesce(
        rating.replace_strict(_RATINGS, default=None, return_dtype=pl.Int16), written_stars, drawn_stars
    )
    return frame.with_columns(
        stars.alias("stars"),
        (stars <= 2).alias("is_bad"),
        pl.col("content").fill_null(""),
        pl.col("date:at").alias("reviewed_at"),
        pl.col("date:has_time").alias("has_time"),
        pl.when(rating.is_not_null() & stars.is_null())
        .then(pl.lit("not_rating"))
        .otherwise(pl.col(_why("rating")))
        .alias(_why("rating")),
    ).with_columns(pl.when(pl.col("has_time")).then(pl.col("reviewed_at")).alias("reviewed_at"))


# Statuses that are not a purchase: closed, refunded, cancelled or never paid.
_NOT_PURCHASE = r"(?i)关闭|退款|取消|未付款|待付款|等待买家付款|closed|refund|cancel"


def _orders(frame: pl.LazyFrame, fields: frozenset[str]) -> pl.LazyFrame:
    sku = pl.col("sku") if "sku" in fields else pl.lit(None, pl.String)
    return frame.with_columns(
        (~pl.col("status").str.contains(_NOT_PURCHASE)).alias("is_purchase"),
        pl.col("buyer").fill_null(""),
        sku.fill_null("").alias("sku_code"),
        pl.col("paid_at:day").alias("date"),
        pl.col("paid_at:at").alias("paid_at"),
    )


_ROLES = {
    "引流": "hero",
    "引流款": "hero",
    "hero": "hero",
    "利润": "profit",
    "利润款": "profit",
    "profit": "profit",
    "长尾": "long_tail",
    "长尾款": "long_tail",
    "long-tail": "long_tail",
    "long_tail": "long_tail",
    "longtail": "long_tail",
    "流量": "traffic",
    "流量款": "traffic",
    "traffic": "traffic",
}
# DecimalField(max_digits=12, decimal_places=2): ten digits of yuan.
_PRICE_LIMIT_FEN = 10**12


def _yuan_text(fen: pl.Expr) -> pl.Expr:
    """Fen as the exact decimal text of yuan ('12.50'), for a Decimal column."""
    return pl.concat_str((fen // 100).cast(pl.String), pl.lit("."), (fen % 100).cast(pl.String).str.zfill(2))


def _products(frame: pl.LazyFrame, fields: frozenset[str]) -> pl.LazyFrame:
    role = pl.col("role").str.to_lowercase().str.strip_chars()
    mapped = role.replace_strict(_ROLES, default=None, return_dtype=pl.String)
    columns = [
        # An empty role means the product is not singled out: the long tail.
        pl.when(role.is_null()).then(pl.lit("long_tail")).otherwise(mapped).alias("role"),
        pl.when(role.is_not_null() & mapped.is_null())
        .then(pl.lit("not_role"))
        .otherwise(pl.col(_why("role")))
        .alias(_why("role")),
        pl.col("name").fill_null(""),
    ]
    for money in ("price", "cost"):
        fen = pl.col(f"{money}_fen")
        columns += [
            _yuan_text(fen).alias(money),
            pl.when(fen >= _PRICE_LIMIT_FEN)
            .then(pl.lit("price_too_large"))
            .otherwise(pl.col(_why(money)))
            .alias(_why(money)),
        ]
    if "substitute" not in fields:
        columns.append(pl.lit(None, pl.String).alias("substitute"))
    return frame.with_columns(columns)


def _skus(frame: pl.LazyFrame, fields: frozenset[str]) -> pl.LazyFrame:
    return frame if "name" in fields else frame.with_columns(pl.lit(None, pl.String).alias("name"))


_KIND_RULES: dict[str, Callable[[pl.LazyFrame, frozenset[str]], pl.LazyFrame]] = {
    "campaigns": _campaigns,
    "shop-daily": _shop_daily,
    "reviews": _reviews,
    "orders": _orders,
    "products": _products,
    "skus": _skus,
}

# The columns each kind hands to the writer (after ``_row``).
STORED: dict[str, tuple[str, ...]] = {
    "shop-daily": (
        "date",
        "visitors",
        "page_views",
        "paid_buyers",
        "paid_orders",
        "gmv_fen",
        "refunds_fen",
        "conversion_ppm",
        "aov_fen",
        "organic_visitors",
        "paid_visitors",
        "repeat_buyers",
        "first_response_ms",
    ),
    "campaigns": (
        "date",
        "campaign",
        "spend_fen",
        "impressions",
        "clicks",
        "revenue_fen",
        "orders",
        "ctr_ppm",
        "roi_e4",
    ),
    "skus": ("date", "sku", "name", "visitors", "units", "paid_orders", "gmv_fen", "stock"),
    "reviews": ("date", "reviewed_at", "sku", "rating", "stars", "is_bad", "content"),
    "orders": (
        "order_id",
        "buyer",
        "paid_at",
        "date",
        "amount_fen",
        "status",
        "is_purchase",
        "sku_code",
        "quantity",
    ),
    "products": ("sku", "name", "price", "cost", "role", "substitute"),
}


# --- problems --------------------------------------------------------------------------------


def describe(code: str, value: object, *, limit: int | None = None) -> tuple[str, str]:
    en, zh = v.REASONS[code]
    shown = repr(value) if value is not None else "''"
    return en.format(value=shown, limit=limit), zh.format(value=shown, limit=limit)


def _cell_problems(
    fmt: FileFormat, frame: pl.DataFrame, headers: dict[str, str]
) -> tuple[list[Problem], int]:
    names = [n for n in headers if _why(n) in frame.columns]
    if not names:
        return [], 0
    counts = frame.select(pl.col(_why(n)).is_not_null().sum().alias(n) for n in names).row(0, named=True)
    total = sum(counts.values())
    problems: list[Problem] = []
    for name, bad in counts.items():
        if not bad:
            continue
        rows = (
            frame.filter(pl.col(_why(name)).is_not_null())
            .select(ROW, _raw(name), _why(name))
            .head(PROBLEM_LIMIT)
            .iter_rows()
        )
        limit = fmt.field(name).max_length
        for row, raw, code in rows:
            reason, reason_zh = describe(code, raw.strip() if isinstance(raw, str) else raw, limit=limit)
            problems.append(Problem(row, headers[name], reason, reason_zh))
    return problems, total


def _duplicate_problems(
    fmt: FileFormat, frame: pl.DataFrame, headers: dict[str, str]
) -> tuple[list[Problem], int]:
    key = [k for k in fmt.key]
    if not key:
        return [], 0
    keyed = frame.select(ROW, *key).drop_nulls(key)
    # Distinct hashes prove distinct keys at the cost of one integer column; only when two
    # hashes meet are the keys themselves compared.
    if keyed.select(pl.struct(key).hash()).n_unique() == keyed.height:
        return [], 0
    if keyed.select(key).n_unique() == keyed.height:
        return [], 0
    # Only files that do repeat a key pay for finding the rows.
    repeats = (
        keyed.with_columns(pl.col(ROW).min().over(key).alias("first"))
        .filter(pl.col(ROW) != pl.col("first"))
        .sort(ROW)
    )
    problems = []
    for record in repeats.head(PROBLEM_LIMIT).iter_rows(named=True):
        shown = " / ".join(str(record[k]) for k in key)
        problems.append(
            Problem(
                record[ROW],
                headers[key[0]],
                f"the same {' and '.join(key)} ({shown}) is already in row {record['first']}",
                f"与第 {record['first']} 行重复（{shown}）",
            )
        )
    return problems, repeats.height


# --- entry -----------------------------------------------------------------------------------


def check(table: Table, fmt: FileFormat) -> Checked:
    """Every value of ``table`` read and checked; raises ``ImportRejected`` listing what is wrong."""
    names = list(table.headers)
    frame = table.frame.rename({n: _raw(n) for n in names})
    if frame.height == 0:
        raise ImportRejected([Problem(None, None, "the file has no data rows", "文件中没有数据行")])
    fields = frozenset(names)
    frame = _read_values(fmt, table, frame)
    absent = [
        pl.lit(None, pl.Int64).alias(stored_name(f))
        for f in fmt.fields
        if f.name not in fields and f.type not in (ValueType.TEXT, ValueType.DATE, ValueType.TIMESTAMP)
    ]
    frame = _KIND_RULES[fmt.kind](frame.lazy().with_columns(absent), fields).collect(engine="in-memory")
    problems, total = _cell_problems(fmt, frame, table.headers)
    # Keys whose cells are wrong are null here, so only readable keys are compared.
    repeated, repeats = _duplicate_problems(fmt, frame, table.headers)
    if total + repeats:
        raise ImportRejected(problems + repeated, total + repeats)
    return Checked(kind=fmt.kind, frame=frame.select(ROW, *STORED[fmt.kind]), headers=table.headers)
