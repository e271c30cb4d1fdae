"""Diagnosis figures on a page: money arrives as fen (int or Decimal), shown as yuan."""

from __future__ import annotations

from decimal import Decimal

from django import template

from steward.diagnosis.compute import PeerRow, peer_text
from steward.web.templatetags.formatting import EMPTY, yuan

register = template.Library()


@register.filter
def fen(value: object) -> str:
    """Fen to yuan with cents: 12345 -> ¥123.45."""
    if value is None or isinstance(value, bool) or not isinstance(value, int | Decimal):
        return EMPTY
    return yuan(Decimal(value) / 100)


@register.filter
def fen_round(value: object) -> str:
    """Fen to whole yuan, for totals where cents are noise: 1234567 -> ¥12,346."""
    if value is None or isinstance(value, bool) or not isinstance(value, int | Decimal):
        return EMPTY
    amount = (Decimal(value) / 100).quantize(Decimal(1))
    return f"-¥{-amount:,}" if amount < 0 else f"¥{amount:,}"


@register.filter
def versus(row: PeerRow) -> str:
    return peer_text(row)


@register.filter
def signed_fen_round(value: object) -> str:
    shown = fen_round(value)
    return shown if shown.startswith("-") or shown == EMPTY else f"+{shown}"
