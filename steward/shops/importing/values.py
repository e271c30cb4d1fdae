"""How a cell's text becomes a stored value, as vectorised Polars expressions.

Each reader turns one column of text into two columns: the value (null when the cell is
empty or wrong) and the reason it is wrong (null when it is fine). The work is laid out in
stages, each computed once for the whole column and named, because an expression that
refers to the same sub-expression several times would otherwise evaluate it several times
(a regex per reference). Messages are built later, only for the bad rows.

Numbers never pass through float: the digits are split at the decimal point and put back
together as an integer in the stored unit (fen, parts per million, ten-thousandths,
milliseconds), so '254.20' is exactly 25420 fen.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from steward.shops.importing.formats import INT32_MAX

# Cells that mean "no value" (not zero) in the platforms' exports.
NO_VALUE = ("", "-", "--", "—", "——", "–", "―")
# Full-width forms (digits, ．，％, ￥) and the ideographic space: a column holding any of them
# is folded to ASCII first (NFKC), which only pays for itself when such a character exists.
FULL_WIDTH = "[\uff01-\uff5e\u3000]"
# Int64 holds 18 digits safely; a value needing more is reported instead of wrapping around.
_MAX_DIGITS = 18
_NOT_DIGITS = r"[,\s¥]"  # thousands separators, spaces, the yuan sign
TIME_ZONE = "Asia/Shanghai"

# Reason codes -> (English, Chinese). ``{value}`` is the cell as written.
REASONS: dict[str, tuple[str, str]] = {
    "missing": ("a value is required", "必须填写"),
    "not_number": ("not a number: {value}", "不是数字：{value}"),
    "negative": ("cannot be negative: {value}", "不能为负数：{value}"),
    "too_large": ("too large: {value}", "数值过大：{value}"),
    "not_whole": ("not a whole number: {value}", "不是整数：{value}"),
    "money_decimals": (
        "money has more than 2 decimal places: {value}",
        "金额的小数超过 2 位：{value}",
    ),
    "not_rate": (
        "not a rate (write 3.52% or 0.0352): {value}",
        "不是比率（应写作 3.52% 或 0.0352）：{value}",
    ),
    "rate_mixed": (
        "the column gives rates as percentages, but this one has no %: {value}",
        "该列的比率以百分数表示，但此值没有 %：{value}",
    ),
    "rate_above_1": ("a rate above 100%: {value}", "比率超过 100%：{value}"),
    "not_date": ("not a date: {value}", "不是日期：{value}"),
    "not_timestamp": ("not a date or time: {value}", "不是日期或时间：{value}"),
    "too_long": ("longer than {limit} characters: {value}", "超过 {limit} 个字符：{value}"),
    "not_rating": (
        "not a rating (好评/中评/差评 or 1-5 stars): {value}",
        "不是评价等级（好评/中评/差评 或 1-5 星）：{value}",
    ),
    "not_role": (
        "not a product role (引流/hero, 利润/profit, 长尾/long-tail, 流量/traffic): {value}",
        "不是商品角色（引流/hero、利润/profit、长尾/long-tail、流量/traffic）：{value}",
    ),
    "price_too_large": ("too large for a price: {value}", "价格过大：{value}"),
}


@dataclass
class Reading:
    """How to read one column: stages of named columns, then the value and the reason.

    ``stages[i]`` may refer to columns made in any earlier stage; the stages of all fields
    are run side by side, so Polars spreads the fields over the cores.
    """

    prefix: str
    stages: list[list[pl.Expr]] = field(default_factory=list)

    def name(self, part: str) -> str:
        return f"{self.prefix}#{part}"

    def col(self, part: str) -> pl.Expr:
        return pl.col(self.name(part))

    def stage(self, **parts: pl.Expr) -> Reading:
        self.stages.append([expr.alias(self.name(part)) for part, expr in parts.items()])
        return self

    @property
    def value(self) -> pl.Expr:
        return self.col("value")

    @property
    def reason(self) -> pl.Expr:
        return self.col("reason")


def present(text: pl.Expr) -> pl.Expr:
    """The trimmed text, null where the cell means "no value"."""
    return text.str.strip_chars().replace(dict.fromkeys(NO_VALUE))


def folded(text: pl.Expr) -> pl.Expr:
    """Full-width digits and signs (１２３４，５６．７８％ ￥) as ASCII."""
    return text.str.normalize("NFKC")


def _given(text: pl.Expr) -> pl.Expr:
    return text.is_not_null() & ~text.is_in(NO_VALUE)


# The quick readers read the forms nearly every export uses with a few cheap whole-column
# kernels, and defer every other cell (unusual forms and all mistakes) to the precise
# readers, which then run only on those rows. They end in two columns, ``quick`` (right
# wherever the cell is not deferred) and ``deferred``, and never decide a cell is wrong.


def quick_scaled(
    prefix: str,
    text: pl.Expr,
    *,
    decimals: int,
    limit: int | None = None,
    suffix: str | None = None,
    whole_only: bool = False,
) -> Reading:
    """Plain decimals (optionally with thousands separators and a yuan sign) to integer units.

    ``suffix``: a suffix every value must carry (%), which shifts the unit by two places.
    ``whole_only``: no cell of the column has a decimal point, so the point is not looked for.
    Anything else - 万, full-width digits, too many decimals, signs, junk - is deferred.
    """
    r = Reading(prefix)
    cleaned = text.str.replace_all(",", "", literal=True).str.strip_prefix("¥")
    shift = decimals
    if suffix is not None:
        cleaned = cleaned.str.strip_suffix(suffix)
        shift = decimals - 2
    r.stage(quick_text=cleaned)
    cleaned = r.col("quick_text")
    if whole_only:
        r.stage(quick_places=pl.lit(0, pl.Int64), quick_digits=cleaned.str.to_integer(strict=False))
    else:
        r.stage(
            quick_places=(
                cleaned.str.len_bytes().cast(pl.Int64)
                - cleaned.str.find(".", literal=True).cast(pl.Int64)
                - 1
            ).fill_null(0),
            quick_digits=cleaned.str.replace(".", "", literal=True, n=1).str.to_integer(strict=False),
        )
    places, digits = r.col("quick_places"), r.col("quick_digits")
    r.stage(quick_scaled=digits * _pow10(shift - places))
    fits = (
        digits.is_not_null()
        & (digits >= 0)
        # '-0' and '.5' parse, but the precise reader calls them negative and not a number.
        & ~cleaned.str.starts_with("-")
        & ~cleaned.str.starts_with(".")
        & (places <= shift)
        & (cleaned.str.len_bytes() <= _MAX_DIGITS - shift)
    )
    if suffix is not None:
        fits = fits & text.str.ends_with(suffix)
    if limit is not None:
        fits = fits & (r.col("quick_scaled") <= limit)
    r.stage(quick_fits=fits)
    return r.stage(
        quick=pl.when(r.col("quick_fits")).then(r.col("quick_scaled")),
        deferred=_given(text) & ~r.col("quick_fits"),
    )


def quick_date(prefix: str, text: pl.Expr) -> Reading:
    """ISO dates, the form most exports use, by one strptime kernel."""
    r = Reading(prefix)
    r.stage(quick=text.str.to_date("%Y-%m-%d", strict=False))
    return r.stage(deferred=_given(text) & r.col("quick").is_null())


def _pow10(exponent: pl.Expr) -> pl.Expr:
    # Both branches of a when/then are evaluated on every row, so the exponent is kept in
    # range even where its result is not used.
    return pl.lit(10, pl.Int64).pow(exponent.cast(pl.Int64).clip(0, _MAX_DIGITS))


def _scaled(
    prefix: str,
    text: pl.Expr,
    *,
    decimals: int,
    exact: bool,
    suffixes: str,
    inexact_reason: str,
    limit: int | None,
) -> Reading:
    """A decimal number in units of 10^-decimals, as an Int64.

    ``suffixes`` is a regex alternative of allowed suffixes: 万 multiplies by 10,000 and %
    divides by 100. With ``exact`` a value that does not fit the unit is wrong; otherwise it
    is rounded half up (rates and ratios are stated with more digits than are kept).
    """
    r = Reading(prefix)
    r.stage(cell=present(folded(text)))
    r.stage(
        parts=r.col("cell")
        .str.replace_all(_NOT_DIGITS, "")
        .str.extract_groups(rf"^([+-]?)(\d+)(?:\.(\d*))?({suffixes})?$")
    )
    parts = r.col("parts")
    suffix = parts.struct.field("4")
    r.stage(
        negative=parts.struct.field("1") == "-",
        whole=parts.struct.field("2").str.strip_chars_start("0"),
        fraction=parts.struct.field("3").fill_null("").str.strip_chars_end("0"),
        shift=pl.when(suffix == "万")
        .then(decimals + 4)
        .when(suffix == "%")
        .then(decimals - 2)
        .otherwise(decimals)
        .cast(pl.Int64),
    )
    fraction = r.col("fraction")
    if not exact:
        # Half-up rounding looks at one digit past the unit; the rest cannot change it.
        fraction = fraction.str.head(r.col("shift") + 1)
    r.stage(
        digits=pl.concat_str(pl.lit("0"), r.col("whole"), fraction).str.to_integer(strict=False),
        excess=fraction.str.len_bytes().cast(pl.Int64) - r.col("shift"),
        overflow=r.col("whole").str.len_bytes() + r.col("shift") > _MAX_DIGITS,
    )
    digits, excess = r.col("digits"), r.col("excess")
    r.stage(
        scaled=pl.when(excess <= 0)
        .then(digits * _pow10(-excess))
        .otherwise((digits + _pow10(excess) // 2) // _pow10(excess))
    )
    too_large = r.col("overflow") | digits.is_null()
    if limit is not None:
        too_large = too_large | (r.col("scaled") > limit)
    reason = (
        pl.when(r.col("cell").is_null())
        .then(pl.lit(None, pl.String))
        # extract_groups gives a struct of nulls, not a null, when the text does not match.
        .when(r.col("whole").is_null())
        .then(pl.lit("not_number"))
        .when(r.col("negative"))
        .then(pl.lit("negative"))
        .when(too_large)
        .then(pl.lit("too_large"))
    )
    if exact:
        reason = reason.when(excess > 0).then(pl.lit(inexact_reason))
    r.stage(reason=reason.otherwise(pl.lit(None, pl.String)))
    return r.stage(value=pl.when(r.reason.is_null()).then(r.col("scaled")).otherwise(pl.lit(None, pl.Int64)))


def count(prefix: str, text: pl.Expr, *, small: bool) -> Reading:
    """A whole number of things: 1234, 1,234, 1.2万."""
    return _scaled(
        prefix,
        text,
        decimals=0,
        exact=True,
        suffixes="万",
        inexact_reason="not_whole",
        limit=INT32_MAX if small else None,
    )


def money_fen(prefix: str, text: pl.Expr) -> Reading:
    """Yuan to the fen, as integer fen: ¥1,234.50 -> 123450."""
    return _scaled(
        prefix,
        text.str.strip_suffix("元"),
        decimals=2,
        exact=True,
        suffixes="万",
        inexact_reason="money_decimals",
        limit=None,
    )


def ratio_e4(prefix: str, text: pl.Expr) -> Reading:
    """A ratio such as ROI, in ten-thousandths: 3.25 -> 32500."""
    return _scaled(prefix, text, decimals=4, exact=False, suffixes="万", inexact_reason="", limit=None)


def seconds_ms(prefix: str, text: pl.Expr) -> Reading:
    """A duration in seconds, in milliseconds: 12.5 -> 12500."""
    cleaned = folded(text).str.strip_chars().str.strip_suffix("秒").str.strip_suffix("s")
    return _scaled(prefix, cleaned, decimals=3, exact=False, suffixes="", inexact_reason="", limit=INT32_MAX)


def rate_ppm(prefix: str, text: pl.Expr, *, percent: bool) -> Reading:
    """A rate in parts per million. ``percent``: the column writes 3.52%, else 0.0352.

    A column never mixes the two forms; a value without % in a percentage column is
    reported (except 0, which reads the same either way).
    """
    r = _scaled(
        prefix,
        text,
        decimals=6,
        exact=False,
        suffixes="%" if percent else "",
        inexact_reason="",
        limit=None,
    )
    scaled_reason, scaled_value = r.reason, r.value
    mixed = (
        r.col("cell").is_not_null() & ~r.col("cell").str.ends_with("%") & (scaled_value != 0)
        if percent
        else pl.lit(False)
    )
    reason = (
        pl.when(scaled_reason == "not_number")
        .then(pl.lit("not_rate"))
        .when(scaled_reason.is_not_null())
        .then(scaled_reason)
        .when(mixed)
        .then(pl.lit("rate_mixed"))
        .when(scaled_value > 1_000_000)
        .then(pl.lit("rate_above_1"))
        .otherwise(pl.lit(None, pl.String))
    )
    r.stage(checked=reason)
    return r.stage(
        reason=r.col("checked"),
        value=pl.when(r.col("checked").is_null()).then(scaled_value).otherwise(pl.lit(None, pl.Int64)),
    )


_DATE_PARTS = r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
_TIME_PARTS = r"(?:[\sT]+(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2})(?:\.\d+)?\s*秒?)?)?\s*$"
_COMPACT = r"^(\d{4})(\d{2})(\d{2})(?:\s*(\d{2}):?(\d{2})(?::?(\d{2}))?)?$"


def _date_time_stages(r: Reading, text: pl.Expr) -> None:
    """Stages making ``cell``, ``iso_date`` (YYYY-MM-DD) and ``iso_time`` (HH:MM:SS or null)."""
    r.stage(cell=present(folded(text)))
    r.stage(spelled=r.col("cell").str.extract_groups(_DATE_PARTS + _TIME_PARTS))
    r.stage(compact=r.col("cell").str.extract_groups(_COMPACT))

    def part(index: int, width: int) -> pl.Expr:
        value = pl.coalesce(
            r.col("spelled").struct.field(str(index)), r.col("compact").struct.field(str(index))
        )
        return value.str.zfill(width)

    r.stage(
        iso_date=pl.concat_str(part(1, 4), pl.lit("-"), part(2, 2), pl.lit("-"), part(3, 2)),
        iso_time=pl.concat_str(part(4, 2), pl.lit(":"), part(5, 2), pl.lit(":"), part(6, 2).fill_null("00")),
    )


def calendar_date(prefix: str, text: pl.Expr) -> Reading:
    """A day: 2026-10-01, 2026/10/1, 20261001, 2026年10月1日 (a midnight time is allowed)."""
    r = Reading(prefix)
    _date_time_stages(r, text)
    midnight = r.col("iso_time").is_null() | (r.col("iso_time") == "00:00:00")
    r.stage(parsed=pl.when(midnight).then(r.col("iso_date").str.to_date("%Y-%m-%d", strict=False)))
    return r.stage(
        value=r.col("parsed"),
        reason=pl.when(r.col("cell").is_not_null() & r.col("parsed").is_null())
        .then(pl.lit("not_date"))
        .otherwise(pl.lit(None, pl.String)),
    )


def moment(prefix: str, text: pl.Expr) -> Reading:
    """A written date with an optional time of day in Asia/Shanghai.

    Columns: ``value`` is the local calendar day, ``instant`` the UTC time (local midnight
    when no time was written) and ``has_time`` whether a time was written.
    """
    r = Reading(prefix)
    _date_time_stages(r, text)
    r.stage(
        day=r.col("iso_date").str.to_date("%Y-%m-%d", strict=False),
        local=pl.concat_str(
            r.col("iso_date"), pl.lit(" "), r.col("iso_time").fill_null("00:00:00")
        ).str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False, time_unit="us"),
    )
    r.stage(
        reason=pl.when(r.col("cell").is_not_null() & (r.col("day").is_null() | r.col("local").is_null()))
        .then(pl.lit("not_timestamp"))
        .otherwise(pl.lit(None, pl.String))
    )
    fine = r.reason.is_null()
    return r.stage(
        value=pl.when(fine).then(r.col("day")),
        instant=pl.when(fine).then(
            r.col("local").dt.replace_time_zone(TIME_ZONE).dt.convert_time_zone("UTC")
        ),
        has_time=r.col("iso_time").is_not_null(),
    )


def text_value(prefix: str, text: pl.Expr, *, max_length: int | None) -> Reading:
    r = Reading(prefix)
    r.stage(cell=present(text))
    if max_length is None:
        return r.stage(value=r.col("cell"), reason=pl.lit(None, pl.String))
    too_long = r.col("cell").str.len_chars() > max_length
    return r.stage(
        value=pl.when(~too_long).then(r.col("cell")),
        reason=pl.when(too_long).then(pl.lit("too_long")).otherwise(pl.lit(None, pl.String)),
    )
