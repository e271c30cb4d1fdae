"""Money to the fen, and how amounts, rates and ratios are read and written.

Every amount is a `Decimal` of yuan. Arithmetic runs in a wide context (`exact_arithmetic`) so
products of amounts, rates and day counts are exact and only the final rounding to the fen
(ROUND_HALF_UP, as a person would round by hand) changes a value. Numbers arrive from YAML as
`Decimal` built from the written text (see `decimal_yaml`), never through a float.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

FEN = Decimal("0.01")
ZERO = Decimal("0.00")

# A trillion yuan is beyond any shop; the bound keeps every product well inside the context's
# 60 digits, so no intermediate result is silently rounded.
MONEY_LIMIT = Decimal("1000000000000")
# Rates are contract terms written by people; eight decimals (0.00000001) is far finer than any.
RATE_DECIMALS = 8
MINUS = "\u2212"  # the typographic minus, so formulas read like arithmetic, not like a hyphen


class InvalidValue(ValueError):
    """A value that cannot be used; the message says why in words a contract writer follows."""


@contextlib.contextmanager
def exact_arithmetic() -> Iterator[None]:
    with localcontext() as context:
        context.prec = 60
        context.rounding = ROUND_HALF_UP
        yield


def to_fen(value: Decimal) -> Decimal:
    """Round to the fen, half away from zero; never returns a negative zero."""
    rounded = value.quantize(FEN, rounding=ROUND_HALF_UP)
    return ZERO if rounded == 0 else rounded


def plain_amount(value: Decimal) -> str:
    """An amount as the machine-readable string with exactly two decimals, e.g. ``-1600.00``."""
    return str(to_fen(value))


def _grouped(value: Decimal, min_decimals: int = 2) -> str:
    """Thousands separators and at least `min_decimals` decimals, more only if the value has them."""
    exponent = value.normalize().as_tuple().exponent
    decimals = max(min_decimals, -exponent if isinstance(exponent, int) else 0)
    return f"{abs(value):,.{decimals}f}"


def yuan(value: Decimal) -> str:
    """An amount as people read it: ``¥612,400.00``, ``−¥1,600.00``.

    A threshold such as ¥333.33 × 115% = ¥383.3295 keeps all its decimals, so a comparison shown
    in a formula is the comparison that was made.
    """
    sign = MINUS if value < 0 else ""
    return f"{sign}¥{_grouped(value)}"


def percent(rate: Decimal) -> str:
    """A rate as a percentage without trailing zeros: 0.05 → ``5%``, 0.0005 → ``0.05%``."""
    scaled = (rate * 100).normalize()
    text = f"{scaled:f}"
    return f"{MINUS}{text[1:]}%" if text.startswith("-") else f"{text}%"


def ratio_percent(numerator: Decimal, denominator: Decimal) -> str:
    """``numerator ÷ denominator`` as a percentage: exact when it terminates within two
    decimals of a percent, otherwise rounded and marked with ``≈`` so nobody mistakes it for exact."""
    with exact_arithmetic():
        scaled = numerator * 100 / denominator
    shown = scaled.quantize(FEN, rounding=ROUND_HALF_UP)
    if shown == scaled:
        text = f"{scaled.normalize():f}"
        return f"{text}%".replace("-", MINUS)
    return f"≈ {shown}%".replace("-", MINUS)


def _number(value: object) -> Decimal:
    if isinstance(value, bool):
        raise InvalidValue(f"must be a number, got {value!r}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise InvalidValue(f"must be a number, got {value!r}") from None
    elif isinstance(value, float):
        # Only reachable when a caller hands us Python data; YAML floats arrive as Decimal.
        raise InvalidValue(f"must be written as an exact decimal, not a binary float ({value!r})")
    else:
        raise InvalidValue(f"must be a number, got {_describe(value)}")
    if not number.is_finite():
        raise InvalidValue(f"must be a finite number, got {value}")
    return number


def _describe(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def parse_money(value: object, *, allow_negative: bool = False) -> Decimal:
    """An amount in yuan, stated to the fen."""
    number = _number(value)
    if number != number.quantize(FEN, rounding=ROUND_HALF_UP):
        raise InvalidValue(f"{value} has more than two decimals; money is stated to the fen (0.01)")
    if not allow_negative and number < 0:
        raise InvalidValue(f"must not be negative, got {value}")
    if abs(number) >= MONEY_LIMIT:
        raise InvalidValue(f"{value} is out of range (must be below ¥1,000,000,000,000)")
    return to_fen(number)


def parse_rate(
    value: object,
    *,
    low: Decimal = Decimal(0),
    high: Decimal | None = Decimal(1),
    low_inclusive: bool = True,
) -> Decimal:
    """A rate or ratio written as a decimal fraction (0.05 for 5%), within a range."""
    number = _number(value)
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > RATE_DECIMALS:
        raise InvalidValue(f"{value} has more than {RATE_DECIMALS} decimals")
    too_low = number < low if low_inclusive else number <= low
    too_high = high is not None and number > high
    if too_low or too_high:
        opening = "[" if low_inclusive else "("
        upper = f"{high}]" if high is not None else "∞)"
        raise InvalidValue(f"must be in {opening}{low}, {upper} (a fraction: 0.05 means 5%), got {value}")
    return number


def parse_whole(value: object, *, low: int = 0, high: int = 10_000) -> int:
    """A count (months, days), a whole number within a range."""
    number = _number(value)
    if number != number.to_integral_value():
        raise InvalidValue(f"must be a whole number, got {value}")
    whole = int(number)
    if not low <= whole <= high:
        raise InvalidValue(f"must be between {low} and {high}, got {value}")
    return whole
