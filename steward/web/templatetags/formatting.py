"""How numbers look on every page: money ¥1,234.56, ratios 3.52%, counts 12,345.

Filters never raise: a template shows "—" for a missing or unreadable value rather than
failing the whole page over one cell.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()

EMPTY = "—"
FEN = Decimal("0.01")


def as_yuan(value: object) -> Decimal | None:
    """Integers are fen (how the metric tables store money); Decimals are already yuan."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value) / 100
    if isinstance(value, Decimal):
        return value
    try:
        # Floats and strings only reach a template from display code; read them as yuan.
        return Decimal(str(value))
    except InvalidOperation:
        return None


@register.filter
def yuan(value: object) -> str:
    amount = as_yuan(value)
    if amount is None or not amount.is_finite():
        return EMPTY
    rounded = amount.quantize(FEN, ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    return f"{sign}¥{abs(rounded):,.2f}"


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _places(digits: object) -> int:
    try:
        return max(0, min(6, int(str(digits))))
    except ValueError:
        return 2


@register.filter
def pct(value: object, digits: object = 2) -> str:
    """A ratio as a percentage: 0.0352 -> 3.52%."""
    ratio = _decimal(value)
    if ratio is None:
        return EMPTY
    places = _places(digits)
    shown = (ratio * 100).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return f"{shown:,.{places}f}%"


def _shown_change(value: object, digits: object = 1) -> Decimal | None:
    """A change rounded as the page prints it, so sign, colour and digits always agree."""
    ratio = _decimal(value)
    if ratio is None:
        return None
    places = _places(digits)
    return (ratio * 100).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


@register.filter
def signed_pct(value: object, digits: object = 1) -> str:
    """A change as a signed percentage: 0.123 -> +12.3%, -0.04 -> -4.0%, -0.0001 -> 0.0%."""
    shown = _shown_change(value, digits)
    if shown is None:
        return EMPTY
    if shown == 0:
        return f"{abs(shown):.{_places(digits)}f}%"
    return f"{shown:+,.{_places(digits)}f}%"


@register.filter
def num(value: object, digits: object = 0) -> str:
    """A count or plain number with thousands separators: 12345 -> 12,345."""
    number = _decimal(value)
    if number is None:
        return EMPTY
    places = _places(digits)
    shown = number.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return f"{shown:,.{places}f}"


@register.filter
def direction(value: object, digits: object = 1) -> str:
    """``up``, ``down`` or ``flat`` for a change as ``signed_pct`` prints it."""
    shown = _shown_change(value, digits)
    if shown is None or shown == 0:
        return "flat"
    return "up" if shown > 0 else "down"
