"""The app's daily evaluation after one new day, database included.

    STEWARD_VAR_DIR=/tmp/sigbench .venv/bin/python -m bench.signals.daily_db --shops 1000 --campaigns 100

Builds a fresh SQLite database under ``STEWARD_VAR_DIR`` (migrated), with ``shops`` shops of
``campaigns`` campaigns each and ``history`` days of campaign numbers, evaluates every shop once
from its history (what the first import does; not timed), then inserts one new day
(shops × campaigns rows, 100,000 by default) and times ``evaluate_shop`` on every shop: reading
the carried state and the new day from the database, the engine's daily step, and writing
episodes, duties and the carried state back. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import sys
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shops", type=int, default=1000)
    parser.add_argument("--campaigns", type=int, default=100)
    parser.add_argument("--history", type=int, default=8)
    parser.add_argument("--sinking", type=int, default=10, help="campaigns that fire on the new day")
    parser.add_argument("--one-by-one", action="store_true", help="evaluate_shop per shop instead")
    parser.add_argument("--profile", action="store_true", help="print where the daily step's time goes")
    args = parser.parse_args()
    var = Path(os.environ.setdefault("STEWARD_VAR_DIR", "/tmp/sigbench"))
    var.mkdir(parents=True, exist_ok=True)
    db = var / "bench.sqlite3"
    db.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    from steward.accounts.models import Organisation, OrganisationKind
    from steward.engagements.models import Engagement, Phase
    from steward.shops.models import Campaign, Platform, Shop
    from steward.signals.services import evaluate_shop, evaluate_shops

    first = dt.date(2026, 11, 1)
    now = dt.datetime(2026, 12, 31, 1, 0, tzinfo=dt.UTC)
    agency = Organisation.objects.create(name="bench agency", kind=OrganisationKind.AGENCY)
    shops = []
    with transaction.atomic():
        for s in range(args.shops):
            merchant = Organisation.objects.create(name=f"merchant {s}", kind=OrganisationKind.MERCHANT)
            shop = Shop.objects.create(
                code=f"shop-{s:04d}", name=f"shop {s}", platform=Platform.TMALL, merchant=merchant
            )
            engagement = Engagement.objects.create(
                name=f"e{s}",
                merchant=merchant,
                agency=agency,
                starts_on=first,
                ends_on=first,
                phase=Phase.EXECUTION,
            )
            engagement.shops.add(shop)
            Campaign.objects.bulk_create(Campaign(shop=shop, name=f"c{c:03d}") for c in range(args.campaigns))
            shops.append(shop)
    campaign_ids = list(Campaign.objects.order_by("shop_id", "name").values_list("shop_id", "id"))

    step = max(1, len(campaign_ids) // max(args.sinking, 1)) if args.sinking else len(campaign_ids) + 8

    def insert_day(n: int) -> None:
        date = (first + dt.timedelta(days=n)).isoformat()
        rows = []
        for i, (shop_id, campaign_id) in enumerate(campaign_ids):
            # ``--sinking`` campaigns sink below 2.5 from two days before the new day, so their
            # streaks are carried and fire on the new day (a duty, a notice each); one in 13
            # dips on single days, opening and dropping pending streaks; one day in 20 spends
            # nothing.
            sinking = i % step == 7 and n >= args.history - 2
            spend = 0 if (i + n) % 20 == 0 and not sinking else 10_000
            roi = 2.0 if sinking or (i % 13 == 0 and n % 3 == 0) else 3.0
            rows.append((shop_id, campaign_id, date, spend, 20_000, 900, int(spend * roi), 3))
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO shops_campaigndaily (shop_id, campaign_id, date, spend_fen, impressions, clicks,"
                " revenue_fen, orders) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                rows,
            )

    with transaction.atomic():
        for n in range(args.history):
            insert_day(n)
    started = time.perf_counter()
    evaluate_shops(shops, now=now)
    from_history = time.perf_counter() - started
    with transaction.atomic():
        insert_day(args.history)
    rows = len(campaign_ids)
    breakdown = _parts(shops, first + dt.timedelta(days=args.history - 1), now)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    import cProfile
    import pstats

    profile = cProfile.Profile()
    started = time.perf_counter()
    fired = 0
    if args.profile:
        profile.enable()
    if args.one_by_one:
        for shop in shops:
            fired += len(evaluate_shop(shop, now=now).fired)
    else:
        fired = sum(len(result.fired) for result in evaluate_shops(shops, now=now))
    daily = time.perf_counter() - started
    if args.profile:
        profile.disable()
        pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(35)
    print(
        json.dumps(
            {
                "phase": "daily-db",
                "shops": args.shops,
                "mode": "one-by-one" if args.one_by_one else "together",
                "new_rows": rows,
                "history_days": args.history,
                "first_evaluation_s": round(from_history, 2),
                "daily_s": round(daily, 3),
                "per_shop_ms": round(daily * 1000 / len(shops), 1),
                "fired": fired,
                **breakdown,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
                "rss_before_daily_mb": rss_before,
            }
        )
    )
    sys.stdout.flush()


def _parts(shops: list, since: dt.date, now: dt.datetime) -> dict[str, float]:
    """The same day's step in parts, measured just before the real one (nothing written): the
    database reads alone and the engine alone — the baseline the full figure is read against."""
    from steward.signals.daily import advance
    from steward.signals.services import _base_pack, _carried_state, config_for, frames_of

    day = since + dt.timedelta(days=1)
    rules = _base_pack(config_for(shops[0].engagements.get()))
    started = time.perf_counter()
    state = _carried_state(shops, rules, since)
    rows = frames_of(shops, first=day, last=day, products=False)
    read = time.perf_counter() - started
    started = time.perf_counter()
    advance(state, rules, day, rows)
    engine = time.perf_counter() - started
    return {"read_s": round(read, 3), "engine_s": round(engine, 3)}


if __name__ == "__main__":
    main()
