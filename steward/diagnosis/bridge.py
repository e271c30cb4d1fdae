"""The GMV bridge: how much of a change in GMV comes from visitors, conversion and order value.

GMV = visitors × conversion × order value, so a change of GMV is a change of a product of three
factors. The Shapley decomposition gives each factor its average marginal effect over the six
orders in which the factors could change; unlike a log (LMDI) split it stays defined when a
period has no sales, and in exact rational arithmetic its three parts add up to the change.
The parts are then rounded to whole fen with the rounding remainder kept, so the published
parts still add up to the published change to the fen.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Totals:
    """One period's totals: the three numbers the bridge needs."""

    visitors: int
    buyers: int
    gmv_fen: int


@dataclass(frozen=True)
class Bridge:
    before: Totals
    after: Totals
    change_fen: int
    visitors_fen: int
    conversion_fen: int
    order_value_fen: int

    @property
    def parts(self) -> dict[str, int]:
        return {
            "visitors": self.visitors_fen,
            "conversion": self.conversion_fen,
            "order_value": self.order_value_fen,
        }


def _factors(period: Totals, other: Totals) -> tuple[Fraction, Fraction, Fraction]:
    """Visitors, conversion and order value of a period as exact fractions.

    A rate of a period without visitors (or without buyers) is undefined; it borrows the other
    period's rate, so the change is put on the factor that actually moved (no visitors before
    and some now is a visitors effect, not a conversion effect).
    """
    visitors = Fraction(period.visitors)
    if period.visitors:
        conversion = Fraction(period.buyers, period.visitors)
    elif other.visitors:
        conversion = Fraction(other.buyers, other.visitors)
    else:
        conversion = Fraction(0)
    if period.buyers:
        order_value = Fraction(period.gmv_fen, period.buyers)
    elif other.buyers:
        order_value = Fraction(other.gmv_fen, other.buyers)
    else:
        order_value = Fraction(0)
    return visitors, conversion, order_value


def shapley_parts(before: Totals, after: Totals) -> tuple[Fraction, Fraction, Fraction]:
    """The exact Shapley effects of visitors, conversion and order value, in fen."""
    x0, y0, z0 = _factors(before, after)
    x1, y1, z1 = _factors(after, before)

    def effect(d: Fraction, a0: Fraction, a1: Fraction, b0: Fraction, b1: Fraction) -> Fraction:
        # Two of the six orders see the others both unchanged, two both changed, two mixed.
        return d * ((a0 * b0 + a1 * b1) / 3 + (a0 * b1 + a1 * b0) / 6)

    return (
        effect(x1 - x0, y0, y1, z0, z1),
        effect(y1 - y0, x0, x1, z0, z1),
        effect(z1 - z0, x0, x1, y0, y1),
    )


def _round_preserving_sum(parts: tuple[Fraction, ...], total: int) -> list[int]:
    """Round each part to a whole fen so that the rounded parts sum to ``total`` exactly.

    Largest remainder: floor everything, then hand the missing fen to the parts that lost most.
    """
    floors = [p.numerator // p.denominator for p in parts]
    missing = total - sum(floors)
    order = sorted(range(len(parts)), key=lambda i: parts[i] - floors[i], reverse=True)
    for i in order[: max(missing, 0)]:
        floors[i] += 1
    return floors


def gmv_bridge(before: Totals, after: Totals) -> Bridge:
    change = after.gmv_fen - before.gmv_fen
    exact = shapley_parts(before, after)
    if sum(exact) != change:
        # The figures disagree with themselves (e.g. GMV without any buyer recorded): what the
        # factors cannot explain is put on order value, so the bridge still closes.
        exact = (exact[0], exact[1], Fraction(change) - exact[0] - exact[1])
    visitors, conversion, order_value = _round_preserving_sum(exact, change)
    return Bridge(before, after, change, visitors, conversion, order_value)
