"""The app's evaluation and the offline backtest agree on the demo shops.

The demo world is loaded into the database, the same data set is written as a data folder
(what `steward demo export` does), and `steward signals backtest`'s evaluator reads the folder
with each engagement's thresholds: both list the same episodes.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest

from steward.demo.export import export_folder
from steward.demo.generator import generate
from steward.demo.loading import load_demo
from steward.demo.story_signals import seed_signals
from steward.duties.models import DutySource
from steward.shops.models import Shop
from steward.signals.defaults import default_rules
from steward.signals.episodes import episode_records
from steward.signals.evaluate import backtest
from steward.signals.folder import read_folder
from steward.signals.models import AlertEpisode, EpisodeState
from steward.signals.services import config_for, engagement_of

NOW = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def demo(db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: NOW)
    data = generate()
    load_demo(io.StringIO(), data)
    seed_signals(io.StringIO())
    export_folder(data, tmp_path)
    return tmp_path


def test_the_seeded_situations_fire_each_with_its_duty(demo: Path) -> None:
    # Given the demo shops evaluated after loading, then the three planted problems are alerts.
    found = {
        (e.rule, e.shop.code, e.subject): e
        for e in AlertEpisode.objects.select_related("shop", "duty").filter(fired__isnull=False)
    }
    roi = found[("roi-floor", "shanhe-taobao", "直通车-双11预热词")]
    assert (roi.start, roi.fired, roi.end) == (
        dt.date(2026, 11, 3),
        dt.date(2026, 11, 5),
        dt.date(2026, 11, 7),
    )
    assert roi.state == EpisodeState.RESOLVED
    stock = found[("stock-low", "nuanzhi-tmall", "NZ-T01")]
    assert stock.start == dt.date(2026, 10, 8)
    burst = found[("bad-review-burst", "nuanzhi-jd", "")]
    assert burst.figures["value"] == "9"
    for episode in (roi, stock, burst):
        assert episode.duty is not None
        assert episode.duty.source == DutySource.SIGNAL
    # And the small shops are not drowned in CTR and daily-order alerts.
    assert not [k for k in found if k[0] in {"ctr-floor", "sku-daily-orders"}]


def test_seeding_twice_adds_nothing(demo: Path) -> None:
    before = list(AlertEpisode.objects.values_list("pk", "duty_id", "state").order_by("pk"))
    seed_signals(io.StringIO())
    assert list(AlertEpisode.objects.values_list("pk", "duty_id", "state").order_by("pk")) == before


def test_backtest_of_the_export_lists_the_same_episodes(demo: Path) -> None:
    frames, _ = read_folder(demo)
    # Given each engagement's thresholds, as `--rules FILE` would carry them.
    overrides: dict[str, Any] = {}
    disabled: set[str] = set()
    for shop in Shop.objects.all():
        engagement = engagement_of(shop)
        if engagement is None:
            continue
        config = config_for(engagement)
        overrides[shop.code] = config.overrides
        disabled |= set(config.disabled)
    pack = [rule for rule in default_rules() if rule.id not in disabled]
    # When the folder is backtested with the same engine.
    result = backtest(pack, frames, last=dt.date(2026, 11, 20), overrides=overrides)
    offline = {
        (e.rule, e.shop, e.subject or "", e.start, e.fired, e.end)
        for rule in pack
        if rule.id in result.episodes
        for e in episode_records(rule, result.episodes[rule.id])
        if e.shop in overrides
    }
    in_app = set(
        AlertEpisode.objects.filter(fired__isnull=False).values_list(
            "rule", "shop__code", "subject", "start", "fired", "end"
        )
    )
    # Then the app stored exactly the backtest's episodes.
    assert in_app == offline
