"""In a real browser: 王老板 opens October's statement, disputes the commission line with a reason,
and sees it waiting for the agency's answer; the page loads nothing from outside."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from steward.billing import services
from steward.billing.contract import Month
from tests.billing.app_samples import load_october, signed_contract
from tests.browser.conftest import Watch
from tests.browser.test_pages import log_in
from tests.conftest import World

SHOTS = Path("/tmp/billing-screenshots")


def test_owner_disputes_a_line_on_the_statement_page(
    live_server: Any, world: World, page_and_watch: tuple[Page, Watch]
) -> None:
    page, watch = page_and_watch
    signed_contract(world)
    load_october(world)
    statement = services.draft_statement(
        world.engagement, world.agency_lead, Month(2026, 10), as_of=dt.date(2026, 11, 20)
    )
    base = live_server.url
    log_in(page, base, "owner")
    page.goto(f"{base}/billing/statements/{statement.pk}/")
    expect(page.get_by_role("heading", name="山野茶舍 × 云帆 · 结算单 2026-10")).to_be_visible()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "statement.png"), full_page=True)

    row = page.locator("#line-2 + tr.dispute-form")
    row.locator("summary").click()
    row.locator("input[name=reason]").fill("退款应先扣除再计提成")
    row.get_by_role("button", name="提出异议").click()
    expect(page.get_by_text("退款应先扣除再计提成")).to_be_visible()
    expect(page.get_by_text("等待托管方答复")).to_be_visible()
    page.screenshot(path=str(SHOTS / "statement-disputed.png"), full_page=True)
    watch.assert_clean()
