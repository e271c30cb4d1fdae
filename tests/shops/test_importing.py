"""Importing into a shop's tables: upserts, replacement, dry runs, all-or-nothing, the record."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from steward.audit.models import AuditEvent
from steward.audit.services import verify_chain
from steward.shops.importing import DateRange, ImportRejected, run_import
from steward.shops.models import Campaign, CampaignDaily, ImportBatch, Order, Review, ShopDaily, Sku, SkuDaily
from tests.conftest import World
from tests.shops.conftest import CAMPAIGN_HEADER, csv_bytes, fingerprint, xlsx_bytes

pytestmark = pytest.mark.django_db


def campaign_rows(days: list[str], plans: list[str], spend: str = "100.00") -> bytes:
    rows = [
        [day, plan, spend, "1,000", "10", "1.00%", "250.00", "2", "2.50"] for day in days for plan in plans
    ]
    return csv_bytes([["推广报表"], CAMPAIGN_HEADER, *rows, ["合计", "", "", "", "", "", "", "", ""]])


def test_campaign_file_lands_in_the_tables_with_a_batch_and_one_audit_event(
    world: World, campaign_file: bytes
) -> None:
    outcome = run_import(
        shop=world.shop, kind="campaigns", data=campaign_file, filename="推广.csv", actor=world.ads_specialist
    )
    assert (outcome.rows, outcome.inserted, outcome.replaced, outcome.created) == (3, 3, 0, 2)
    assert (outcome.date_from, outcome.date_to) == (dt.date(2026, 10, 1), dt.date(2026, 10, 2))
    assert outcome.ranges == (DateRange(dt.date(2026, 10, 1), dt.date(2026, 10, 2), 3, 0),)
    assert set(Campaign.objects.filter(shop=world.shop).values_list("name", flat=True)) == {
        "春茶上新",
        "老客回购",
    }
    stored = {
        (r.campaign.name, r.date): (
            r.spend_fen,
            r.impressions,
            r.clicks,
            r.ctr_ppm,
            r.revenue_fen,
            r.orders,
            r.roi_e4,
        )
        for r in CampaignDaily.objects.filter(shop=world.shop).select_related("campaign")
    }
    assert stored == {
        ("春茶上新", dt.date(2026, 10, 1)): (123450, 12000, 360, 30000, 308625, 12, 25000),
        ("老客回购", dt.date(2026, 10, 1)): (10168, 5000, 100, 20000, 25420, 2, 25000),
        ("春茶上新", dt.date(2026, 10, 2)): (0, 0, 0, 0, 0, 0, None),
    }
    batch = ImportBatch.objects.get()
    assert (batch.kind, batch.filename, batch.actor, batch.rows, batch.inserted, batch.replaced) == (
        "campaigns",
        "推广.csv",
        world.ads_specialist,
        3,
        3,
        0,
    )
    assert len(batch.sha256) == 64 and batch.pk == outcome.batch_id
    event = AuditEvent.objects.get(action="import")
    assert (event.actor_id, event.target_type, event.target_id, event.shop_id) == (
        world.ads_specialist.pk,
        "shops.importbatch",
        str(batch.pk),
        world.shop.pk,
    )
    assert event.after == {
        "kind": "campaigns",
        "filename": "推广.csv",
        "sha256": batch.sha256,
        "rows": 3,
        "inserted": 3,
        "replaced": 0,
        "date_from": "2026-10-01",
        "date_to": "2026-10-02",
        "ranges": [{"from": "2026-10-01", "to": "2026-10-02", "inserted": 3, "replaced": 0}],
    }
    assert "推广报表" in event.summary
    assert AuditEvent.objects.count() == 1
    assert verify_chain().ok


def test_summary_lines_in_both_languages(world: World, campaign_file: bytes) -> None:
    outcome = run_import(shop=world.shop, kind="campaigns", data=campaign_file, filename="x.csv")
    assert outcome.summary_lines("en") == [
        "imported ad campaign daily metrics: 3 rows, 3 inserted, 0 replaced",
        "  2026-10-01 to 2026-10-02: 3 inserted, 0 replaced",
        "  created 2 new campaigns",
    ]
    assert outcome.summary_lines() == [
        "已导入推广报表：共 3 行，新增 3 行，覆盖 0 行",
        "  2026-10-01 至 2026-10-02：新增 3 行，覆盖 0 行",
        "  新建推广计划 2 个",
    ]


def test_reimport_replaces_and_never_duplicates(world: World) -> None:
    first = run_import(
        shop=world.shop,
        kind="campaigns",
        data=campaign_rows(["2026-10-01", "2026-10-02"], ["A", "B"]),
        filename="a.csv",
    )
    assert (first.inserted, first.replaced) == (4, 0)
    again = campaign_rows(["2026-10-02", "2026-10-03", "2026-10-05"], ["A", "B"], spend="200.00")
    second = run_import(shop=world.shop, kind="campaigns", data=again, filename="b.csv")
    assert (second.rows, second.inserted, second.replaced, second.created) == (6, 4, 2, 0)
    assert second.ranges == (
        DateRange(dt.date(2026, 10, 2), dt.date(2026, 10, 3), 2, 2),
        DateRange(dt.date(2026, 10, 5), dt.date(2026, 10, 5), 2, 0),
    )
    assert CampaignDaily.objects.filter(shop=world.shop).count() == 8
    assert Campaign.objects.filter(shop=world.shop).count() == 2
    spend = dict(
        CampaignDaily.objects.filter(shop=world.shop, campaign__name="A").values_list("date", "spend_fen")
    )
    assert spend == {
        dt.date(2026, 10, 1): 10000,
        dt.date(2026, 10, 2): 20000,
        dt.date(2026, 10, 3): 20000,
        dt.date(2026, 10, 5): 20000,
    }
    same = run_import(shop=world.shop, kind="campaigns", data=again, filename="b.csv")
    assert (same.inserted, same.replaced) == (0, 6)
    assert CampaignDaily.objects.filter(shop=world.shop).count() == 8


def test_other_shops_are_untouched(world: World) -> None:
    run_import(
        shop=world.other_shop, kind="campaigns", data=campaign_rows(["2026-10-01"], ["A"]), filename="x.csv"
    )
    before = list(CampaignDaily.objects.filter(shop=world.other_shop).values())
    outcome = run_import(
        shop=world.shop, kind="campaigns", data=campaign_rows(["2026-10-01"], ["A"], "1.00"), filename="x.csv"
    )
    assert (outcome.inserted, outcome.replaced, outcome.created) == (1, 0, 1)
    assert list(CampaignDaily.objects.filter(shop=world.other_shop).values()) == before


def test_dry_run_counts_and_writes_nothing(world: World) -> None:
    run_import(shop=world.shop, kind="campaigns", data=campaign_rows(["2026-10-01"], ["A"]), filename="a.csv")
    before = fingerprint()
    outcome = run_import(
        shop=world.shop,
        kind="campaigns",
        data=campaign_rows(["2026-10-01", "2026-10-02"], ["A", "新计划"]),
        filename="b.csv",
        dry_run=True,
    )
    assert (outcome.dry_run, outcome.rows, outcome.inserted, outcome.replaced, outcome.created) == (
        True,
        4,
        3,
        1,
        1,
    )
    assert outcome.batch_id is None
    assert outcome.summary_lines("en")[0].startswith("dry run, nothing written")
    assert fingerprint() == before


def test_a_bad_row_at_the_end_rejects_the_whole_file(world: World) -> None:
    rows = [
        [f"2026-10-{d:02d}", f"plan{p}", "1.00", "1", "1", "1%", "1", "1", "1"]
        for d in range(1, 31)
        for p in range(20)
    ]
    rows.append(["2026-10-31", "plan0", "abc", "1", "1", "1%", "1", "1", "1"])
    before = fingerprint()
    with pytest.raises(ImportRejected) as caught:
        run_import(
            shop=world.shop,
            kind="campaigns",
            data=csv_bytes([["标题"], CAMPAIGN_HEADER, *rows]),
            filename="x.csv",
        )
    assert [p.format("en") for p in caught.value.problems] == ["row 603, column 花费: not a number: 'abc'"]
    assert caught.value.total == 1
    assert fingerprint() == before


def test_shop_daily_upserts_by_day(world: World) -> None:
    header = [
        "统计日期",
        "访客数",
        "浏览量",
        "支付买家数",
        "支付子订单数",
        "支付金额",
        "成功退款金额",
        "支付转化率",
        "客单价",
    ]
    data = csv_bytes(
        [
            ["店铺整体数据 2026-10-01~2026-10-02"],
            header,
            ["2026-10-01", "1,000", "3,000", "30", "33", "3,000.00", "0", "3.00%", "100.00"],
            ["2026-10-02", "-", "-", "-", "-", "-", "-", "-", "-"],
        ]
    )
    run_import(shop=world.shop, kind="shop-daily", data=data, filename="d.csv")
    changed = csv_bytes([header, ["2026-10-02", "10", "20", "1", "1", "5", "0", "10%", "5"]])
    outcome = run_import(shop=world.shop, kind="shop-daily", data=changed, filename="d2.csv")
    assert (outcome.inserted, outcome.replaced) == (0, 1)
    days = {d.date: d for d in ShopDaily.objects.filter(shop=world.shop)}
    assert (days[dt.date(2026, 10, 1)].visitors, days[dt.date(2026, 10, 1)].gmv_fen) == (1000, 300000)
    assert (days[dt.date(2026, 10, 2)].visitors, days[dt.date(2026, 10, 2)].conversion_ppm) == (10, 100000)


def test_sku_file_creates_unknown_products_with_their_names(world: World) -> None:
    Sku.objects.create(shop=world.shop, code="T1", name="明前龙井", role="hero")
    header = ["日期", "商品ID", "商品名称", "商品访客数", "支付件数", "支付子订单数", "支付金额", "库存"]
    data = csv_bytes(
        [
            header,
            ["2026-10-01", "T1", "改名了", "100", "5", "5", "500", "20"],
            ["2026-10-01", "T9", "新品茶", "10", "1", "1", "99", "-"],
        ]
    )
    outcome = run_import(shop=world.shop, kind="skus", data=data, filename="s.csv")
    assert (outcome.inserted, outcome.created) == (2, 1)
    assert dict(Sku.objects.filter(shop=world.shop).values_list("code", "name")) == {
        "T1": "明前龙井",
        "T9": "新品茶",
    }
    assert Sku.objects.get(shop=world.shop, code="T9").role == "long_tail"
    assert dict(SkuDaily.objects.filter(shop=world.shop).values_list("sku__code", "stock")) == {
        "T1": 20,
        "T9": None,
    }


def test_reviews_are_replaced_per_day(world: World) -> None:
    header = ["评价时间", "商品ID", "评价等级", "评价内容"]
    first = csv_bytes(
        [
            header,
            ["2026-10-01 10:00:00", "T1", "好评", "好喝"],
            ["2026-10-01 11:00:00", "T1", "差评", "太苦"],
            ["2026-10-02 09:00:00", "T2", "中评", "一般"],
        ]
    )
    outcome = run_import(shop=world.shop, kind="reviews", data=first, filename="r.csv")
    assert (outcome.inserted, outcome.replaced, outcome.created) == (3, 0, 2)
    second = csv_bytes(
        [
            header,
            ["2026-10-02 08:00:00", "T2", "5", "回购"],
            ["2026-10-02 20:00:00", "", "1", "破损"],
            ["2026-10-03 08:00:00", "T1", "4", ""],
        ]
    )
    outcome = run_import(shop=world.shop, kind="reviews", data=second, filename="r2.csv")
    assert (outcome.inserted, outcome.replaced) == (1, 2)
    by_day = {}
    for review in Review.objects.filter(shop=world.shop).order_by("date", "reviewed_at"):
        by_day.setdefault(review.date.isoformat(), []).append((review.content, review.stars, review.is_bad))
    assert by_day == {
        "2026-10-01": [("好喝", 5, False), ("太苦", 1, True)],
        "2026-10-02": [("回购", 5, False), ("破损", 1, True)],
        "2026-10-03": [("", 4, False)],
    }
    again = run_import(shop=world.shop, kind="reviews", data=second, filename="r2.csv")
    assert (again.inserted, again.replaced) == (0, 3)
    assert Review.objects.filter(shop=world.shop).count() == 5
    assert Review.objects.get(content="回购").reviewed_at == dt.datetime(2026, 10, 2, 0, 0, tzinfo=dt.UTC)


def test_orders_upsert_by_order_number(world: World) -> None:
    header = ["订单编号", "买家会员名", "付款时间", "实付金额", "订单状态"]
    first = csv_bytes(
        [
            header,
            ["O1", "tb_1", "2026-10-01 10:00:00", "99.00", "买家已付款"],
            ["O2", "tb_2", "", "5", "交易关闭"],
        ]
    )
    outcome = run_import(shop=world.shop, kind="orders", data=first, filename="o.csv")
    assert outcome.ranges == (
        DateRange(dt.date(2026, 10, 1), dt.date(2026, 10, 1), 1, 0),
        DateRange(None, None, 1, 0),
    )
    later = csv_bytes([header, ["O1", "tb_1", "2026-10-01 10:00:00", "99.00", "退款成功"]])
    outcome = run_import(shop=world.shop, kind="orders", data=later, filename="o2.csv")
    assert (outcome.inserted, outcome.replaced) == (0, 1)
    order = Order.objects.get(shop=world.shop, order_id="O1")
    assert (order.status, order.is_purchase, order.amount_fen) == ("退款成功", False, 9900)
    assert order.paid_at == dt.datetime(2026, 10, 1, 2, 0, tzinfo=dt.UTC)
    assert Order.objects.filter(shop=world.shop).count() == 2


def test_products_upsert_with_substitutes(world: World) -> None:
    Sku.objects.create(shop=world.shop, code="OLD", name="老品")
    header = ["商品ID", "商品名称", "售价", "成本", "商品角色", "替代商品"]
    data = xlsx_bytes(
        [
            header,
            ["T1", "明前龙井", 299, 120.5, "引流", "T2"],
            ["T2", "雨前龙井", "199.00", "80", "利润", "OLD"],
            ["T3", "茶具", "", "", "长尾", ""],
        ]
    )
    outcome = run_import(shop=world.shop, kind="products", data=data, filename="p.xlsx")
    assert (outcome.rows, outcome.inserted, outcome.replaced, outcome.ranges, outcome.date_from) == (
        3,
        3,
        0,
        (),
        None,
    )
    skus = {s.code: s for s in Sku.objects.filter(shop=world.shop).select_related("substitute")}
    assert (skus["T1"].price, skus["T1"].cost, skus["T1"].role) == (
        Decimal("299.00"),
        Decimal("120.50"),
        "hero",
    )
    assert skus["T1"].substitute == skus["T2"] and skus["T2"].substitute == skus["OLD"]
    assert skus["T3"].price is None and skus["T3"].substitute is None
    change = csv_bytes([header, ["T1", "明前龙井", "288", "120", "hero", ""]])
    outcome = run_import(shop=world.shop, kind="products", data=change, filename="p.csv")
    assert (outcome.inserted, outcome.replaced) == (0, 1)
    t1 = Sku.objects.get(shop=world.shop, code="T1")
    assert (t1.price, t1.substitute) == (Decimal("288.00"), None)


def test_a_substitute_must_exist_in_the_file_or_the_shop(world: World) -> None:
    Sku.objects.create(shop=world.other_shop, code="ELSEWHERE")
    header = ["商品ID", "商品名称", "售价", "成本", "商品角色", "替代商品"]
    data = csv_bytes(
        [header, ["T1", "a", "1", "1", "引流", "ELSEWHERE"], ["T2", "b", "1", "1", "利润", "T2"]]
    )
    before = fingerprint()
    with pytest.raises(ImportRejected) as caught:
        run_import(shop=world.shop, kind="products", data=data, filename="p.csv")
    assert [p.format("en") for p in caught.value.problems] == [
        "row 2, column 替代商品: no product 'ELSEWHERE' in this file or the shop",
        "row 3, column 替代商品: a product cannot substitute itself: 'T2'",
    ]
    assert fingerprint() == before


def test_unknown_kind_is_rejected(world: World, campaign_file: bytes) -> None:
    with pytest.raises(ImportRejected) as caught:
        run_import(shop=world.shop, kind="budgets", data=campaign_file, filename="x.csv")
    assert caught.value.problems[0].reason.startswith("unknown kind of file 'budgets'")


def test_import_without_actor_is_recorded_as_system(world: World, campaign_file: bytes) -> None:
    run_import(shop=world.shop, kind="campaigns", data=campaign_file, filename="x.csv")
    event = AuditEvent.objects.get(action="import")
    assert (event.actor_id, event.actor_label) == (None, "system")
    assert ImportBatch.objects.get().actor is None
