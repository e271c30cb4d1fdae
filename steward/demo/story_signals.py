"""Signals in the demo: each engagement's own thresholds, then one evaluation of every shop.

The demo shops are small. At the default pack's thresholds (CTR under 4%, a hero selling
under 50 orders a day) nearly every campaign and SKU would fire, which is noise, not a signal;
their engagements set thresholds that fit a shop of their size, as a real agency would. The
seeded situations (the sinking ROI campaign, the stock-out, the bad-review burst) still fire,
each with its duty. Running this twice adds nothing: evaluation carries on from where it was.
"""

from __future__ import annotations

from typing import Any, TextIO

from steward.shops.models import Shop
from steward.signals.services import config_for, engagement_of, evaluate_shop, update_config

# Thresholds per shop code: what each engagement agreed with its merchant.
OVERRIDES: dict[str, dict[str, dict[str, Any]]] = {
    # Display and feed placements of small shops rarely reach 4% CTR: under 0.5% over a
    # week of at least 5,000 impressions is when the images have stopped working.
    "*": {
        "ctr-floor": {"ctr_floor": "0.5%", "min_impressions": 5000},
        # Double 11 traffic falls back hard after the peak by design; only a halving is news.
        "organic-drop": {"max_drop": "-60%"},
    },
}
# Heroes of these shops sell a handful of orders a day, so "fewer than N orders on a day" is
# noise at any N; the stock rule and the stock status watch the heroes instead.
DISABLED = ["sku-daily-orders"]


def seed_signals(out: TextIO) -> None:
    """Set each demo engagement's thresholds and evaluate its shops through the last day."""
    for shop in Shop.objects.order_by("code"):
        engagement = engagement_of(shop)
        if engagement is None:
            continue
        wanted = {**OVERRIDES["*"], **OVERRIDES.get(shop.code, {})}
        config = config_for(engagement)
        normalised = {rule: {k: str(v) for k, v in params.items()} for rule, params in wanted.items()}
        if config.overrides != normalised or config.disabled != DISABLED:
            update_config(engagement, None, overrides=wanted, disabled=DISABLED)
        result = evaluate_shop(shop)
        fired = ", ".join(f"{e.rule} {e.subject or ''}".strip() for e in result.fired) or "-"
        out.write(f"  signals {shop.code}: through {result.through}, fired {fired}\n")
