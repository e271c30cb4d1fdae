"""How money, ratios and counts are written on the pages."""

from __future__ import annotations

from decimal import Decimal

import pytest

from steward.web.templatetags.formatting import direction, num, pct, signed_pct, yuan


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (123456, "¥1,234.56"),  # integers are fen
        (Decimal("1234.56"), "¥1,234.56"),  # Decimals are yuan
        (Decimal("1234.565"), "¥1,234.57"),  # half up, to the fen
        (Decimal("0"), "¥0.00"),
        (0, "¥0.00"),
        (-5050, "-¥50.50"),
        (Decimal("12000000"), "¥12,000,000.00"),
        (None, "—"),
        ("", "—"),
        ("abc", "—"),
    ],
)
def test_yuan(value: object, shown: str) -> None:
    assert yuan(value) == shown


@pytest.mark.parametrize(
    ("value", "digits", "shown"),
    [
        (Decimal("0.0352"), 2, "3.52%"),
        (Decimal("0.03525"), 2, "3.53%"),
        (Decimal("1"), 0, "100%"),
        (Decimal("12.5"), 1, "1,250.0%"),
        (None, 2, "—"),
        (Decimal("NaN"), 2, "—"),
    ],
)
def test_pct(value: object, digits: int, shown: str) -> None:
    assert pct(value, digits) == shown


def test_signed_pct() -> None:
    assert signed_pct(Decimal("0.123")) == "+12.3%"
    assert signed_pct(Decimal("-0.04")) == "-4.0%"
    assert signed_pct(Decimal("0")) == "0.0%"
    assert signed_pct(Decimal("-0.0001")) == "0.0%"  # never "-0.0%"
    assert signed_pct(Decimal("12.5")) == "+1,250.0%"
    assert signed_pct(None) == "—"


def test_num() -> None:
    assert num(12345) == "12,345"
    assert num(Decimal("3.2049"), 2) == "3.20"
    assert num(None) == "—"


def test_direction() -> None:
    assert direction(Decimal("0.1")) == "up"
    assert direction(Decimal("-0.1")) == "down"
    assert direction(0) == "flat"
    assert direction(Decimal("-0.0004")) == "flat"  # prints as 0.0%, so it is not coloured
    assert direction(None) == "flat"
