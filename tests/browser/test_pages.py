"""A merchant owner's first morning in Store Steward, in a real browser on a laptop screen."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import Watch, screenshot
from tests.conftest import PASSWORD, World
from tests.web.shop_data import seed_days

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GOOD_CSV = (
    "日期,访客数,浏览量,支付买家数,支付子订单数,支付金额,成功退款金额\n"
    "2026-10-01,1200,3600,36,40,3186.00,0\n"
    "2026-10-02,1350,4100,41,45,3628.50,88.50\n"
    "2026-10-04,1100,3300,30,31,2655.00,0\n"
).encode()

CORRUPTED_CSV = (
    "日期,访客数,浏览量,支付买家数,支付子订单数,支付金额,成功退款金额\n"
    "2026-10-01,1200,3600,36,40,3186.00,0\n"
    "2026-13-45,1350,4100,41,45,3628.50,88.50\n"
    "2026-10-03,很多,4100,41,45,3628.50,88.50\n"
).encode()


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/shops/")


def test_owner_logs_in_reads_the_shop_and_switches_to_english(
    live_server: Any, world: World, page_and_watch: tuple[Page, Watch]
) -> None:
    page, watch = page_and_watch
    seed_days(world.shop, timezone.localdate() - timezone.timedelta(days=1))
    base = live_server.url

    page.goto(f"{base}/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    screenshot(page, "01-login")
    log_in(page, base, "owner")
    expect(page.get_by_text("王老板")).to_be_visible()
    screenshot(page, "02-shop-list")

    page.get_by_role("link", name="山野茶舍天猫店").click()
    page.wait_for_url(re.compile(r"/shops/\d+/$"))
    page.wait_for_selector("#shop-chart.js-plotly-plot .main-svg")
    assert page.locator("#shop-chart svg .bars path").count() > 0
    expect(page.locator('[data-kpi="gmv"] .kpi-value')).to_have_text(re.compile(r"^¥[\d,]+\.\d\d$"))
    screenshot(page, "03-shop-page")
    screenshot(page, "03-shop-page-full", full_page=True)

    page.get_by_role("button", name="EN").click()
    page.wait_for_selector("html[lang='en']")
    page.wait_for_selector("#shop-chart.js-plotly-plot .main-svg")
    expect(page.get_by_role("heading", name="Visitors")).to_be_visible()
    expect(page.get_by_role("link", name="API tokens")).to_be_visible()
    screenshot(page, "04-shop-page-english")

    watch.assert_clean()


def test_import_rejection_and_a_new_token_look_right(
    live_server: Any, world: World, page_and_watch: tuple[Page, Watch]
) -> None:
    page, watch = page_and_watch
    base = live_server.url
    log_in(page, base, "owner")

    page.goto(f"{base}/shops/{world.shop.pk}/")
    expect(page.get_by_text("这家店铺还没有数据")).to_be_visible()
    screenshot(page, "05-shop-without-data")

    page.goto(f"{base}/shops/{world.shop.pk}/import/")
    page.get_by_label("数据类型").select_option("shop-daily")
    page.get_by_label("文件", exact=True).set_input_files(
        {"name": "店铺日报.csv", "mimeType": "text/csv", "buffer": CORRUPTED_CSV}
    )
    page.get_by_role("button", name="上传并导入").click()
    expect(page.get_by_text("文件未导入：没有写入任何数据")).to_be_visible()
    assert page.locator("table.problems tbody tr").count() >= 2
    screenshot(page, "06-import-rejected", full_page=True)

    page.get_by_label("文件", exact=True).set_input_files(
        {"name": "店铺日报-10月.csv", "mimeType": "text/csv", "buffer": GOOD_CSV}
    )
    page.get_by_role("button", name="上传并导入").click()
    expect(page.locator(".flash-success").first).to_contain_text("已导入店铺日报")
    expect(page.get_by_role("cell", name="店铺日报-10月.csv")).to_be_visible()
    screenshot(page, "07-import-done", full_page=True)

    page.goto(f"{base}/tokens/")
    page.get_by_label("用途").fill("ERP 每日同步")
    page.get_by_role("button", name="创建令牌").click()
    expect(page.locator("#new-key")).to_have_value(re.compile(r"^stw_"))
    screenshot(page, "08-token-created")

    page.goto(f"{base}/shops/{world.other_shop.pk}/")
    expect(page.get_by_text("找不到这个页面")).to_be_visible()
    screenshot(page, "09-not-found")

    # Chromium logs every 4xx page as a console error; the 422 (rejected file) and the 404
    # (someone else's shop) are the two answers this test asked for.
    expected = ("status of 422", "status of 404")
    watch.console_errors = [
        e for e in watch.console_errors if not e.endswith(expected) and not any(x in e for x in expected)
    ]
    watch.assert_clean()
