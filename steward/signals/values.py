"""Numbers and dates as they are written in back-office exports and in rule files.

Everything is parsed to exact values (``Decimal``, ``Fraction``, integer fen) and never through
float: a threshold of 2.5 or a spend of ¥101.68 must compare exactly (docs/decisions.md).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache

# Full-width digits and punctuation that Chinese spreadsheets like to use.
_FULL_WIDTH = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "．": ".",
        "，": ",",
        "％": "%",
        "￥": "¥",
        "－": "-",
        "−": "-",
    }
)
NO_VALUE = frozenset({"", "-", "--", "—", "——", "n/a", "N/A"})
_MULTIPLIERS = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}
_EXCEL_EPOCH = dt.date(1899, 12, 30)


class ValueProblem(ValueError):
    """A cell or a threshold that cannot be read; the message says what was expected."""


def _clean(text: str) -> str:
    return text.translate(_FULL_WIDTH).strip()


@lru_cache(maxsize=65_536)
def decimal_value(text: str) -> tuple[Decimal, bool] | None:
    """The number written in ``text`` and whether it was a percentage; ``None`` for no value.

    Accepts ``1,234.50``, ``¥1,234.50``, ``1.2万``, ``3.52%`` and full-width digits.
    """
    cleaned = _clean(text)
    if cleaned in NO_VALUE:
        return None
    body = cleaned.replace(",", "").replace("¥", "").replace(" ", "")
    if body.endswith("元"):
        body = body[:-1]
    percent = body.endswith("%")
    if percent:
        body = body[:-1]
    factor = Decimal(1)
    if body and body[-1] in _MULTIPLIERS:
        factor = _MULTIPLIERS[body[-1]]
        body = body[:-1]
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", body):
        raise ValueProblem(f"cannot read {text!r} as a number")
    try:
        number = Decimal(body) * factor
    except InvalidOperation as exc:  # pragma: no cover - the pattern above already rejects these
        raise ValueProblem(f"cannot read {text!r} as a number") from exc
    return (number / 100 if percent else number), percent


def cell_decimal(value: object) -> tuple[Decimal, bool] | None:
    """Like :func:`decimal_value` for a spreadsheet cell, which may already be a number."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueProblem(f"cannot read {value!r} as a number")
    if isinstance(value, int):
        return Decimal(value), False
    if isinstance(value, float):
        # repr gives the shortest text that round-trips, i.e. what the cell showed.
        return Decimal(repr(value)), False
    if isinstance(value, Decimal):
        return value, False
    return decimal_value(str(value))


def to_fen(number: Decimal) -> int:
    """Yuan to integer fen, rounded half up like every statement line."""
    return int((number * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def to_count(number: Decimal, text: object) -> int:
    if number != number.to_integral_value():
        raise ValueProblem(f"{text!r} is not a whole number")
    return int(number)


def exact_fraction(value: object) -> Fraction:
    """A rule-file number (``2.5``, ``"4%"``, ``"¥100"``, ``"1.2万"``) as an exact fraction."""
    if isinstance(value, bool):
        raise ValueProblem(f"expected a number, got {value!r}")
    if isinstance(value, int | float | Decimal):
        parsed = cell_decimal(value)
    elif isinstance(value, str):
        parsed = decimal_value(value)
    else:
        raise ValueProblem(f"expected a number, got {value!r}")
    if parsed is None:
        raise ValueProblem(f"expected a number, got {value!r}")
    return Fraction(parsed[0])


_DATE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")


def cell_date(value: object) -> dt.date | None:
    """A date cell: ``2026-10-01``, ``2026/10/1``, ``20261001``, ``2026年10月1日``, a timestamp,
    or an Excel date (a date object, or a serial day number from an unformatted cell)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2_958_466:
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ValueProblem(f"cannot read {value!r} as a date")
    text = _clean(str(value))
    if text in NO_VALUE:
        return None
    match = _DATE.fullmatch(text) or _COMPACT_DATE.fullmatch(text)
    if match is None:
        raise ValueProblem(f"cannot read {value!r} as a date")
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as exc:
        raise ValueProblem(f"{value!r} is not a real date") from exc


def parse_day(text: str) -> dt.date:
    """A date typed on the command line, in any of the export formats."""
    day = cell_date(text)
    if day is None:
        raise ValueProblem(f"cannot read {text!r} as a date")
    return day
