"""An agency lead's morning and a merchant owner's sign-off, in a real browser on a laptop screen.

Every workflow page is opened, looked at (screenshots in var/screenshots/), and used once
through its buttons, the way a person would.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from steward.engagements.models import DeliverableKind, Engagement
from tests.browser.conftest import Watch, screenshot
from tests.conftest import PASSWORD, World
from tests.web.engagement_story import small_story, template_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/shops/")


def assert_clean(watch: Watch, *statuses: int) -> None:
    """Nothing went wrong in the browser, apart from what the test asked for.

    Chromium logs every 4xx answer as a console error: the statuses the test provoked are
    dropped. It also cancels the favicon when the test moves on before the icon arrived,
    which says nothing about the page.
    """
    codes = tuple(f"status of {s}" for s in statuses)
    watch.console_errors = [e for e in watch.console_errors if not any(c in e for c in codes)]
    watch.failed_requests = [
        r for r in watch.failed_requests if not r.endswith("favicon.svg: net::ERR_ABORTED")
    ]
    watch.assert_clean()


def test_agency_lead_morning_board_and_engagement(
    live_server: Any, world: World, page_and_watch: tuple[Page, Watch]
) -> None:
    page, watch = page_and_watch
    engagement = template_story(world)
    small_story(world)
    base = live_server.url
    log_in(page, base, "lead")

    page.get_by_role("link", name="工作台").click()
    page.wait_for_url(f"{base}/board/")
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    expect(page.locator(".filters a[aria-current='true']")).to_contain_text("已逾期")
    screenshot(page, "20-board-lead")
    screenshot(page, "20-board-lead-full", full_page=True)

    page.get_by_role("link", name="按合作分组").click()
    expect(page.locator("tr.group-head").first).to_be_visible()
    screenshot(page, "21-board-grouped")

    page.goto(f"{base}/engagements/")
    expect(page.get_by_role("link", name=engagement.name)).to_be_visible()
    screenshot(page, "22-engagement-list")

    page.get_by_role("link", name=engagement.name).click()
    expect(page.locator(".step-current")).to_contain_text("基础优化")
    screenshot(page, "23-engagement-duties")

    # The hand-over confirmation is not signed by the merchant yet: the gate says so.
    page.get_by_role("button", name=re.compile("进入下一阶段")).click()
    expect(page.get_by_role("alert")).to_contain_text("交接确认书须由双方签字")
    screenshot(page, "24-phase-refused")

    page.goto(f"{base}/engagements/{engagement.pk}/deliverables/")
    screenshot(page, "25-deliverables", full_page=True)

    page.goto(f"{base}/engagements/{engagement.pk}/handover/")
    screenshot(page, "26-handover", full_page=True)

    page.goto(f"{base}/engagements/{engagement.pk}/requests/")
    expect(page.locator(".clock").first).to_be_visible()
    screenshot(page, "27-requests", full_page=True)

    page.goto(f"{base}/engagements/{engagement.pk}/guardrails/")
    page.get_by_label("操作类型").select_option("price")
    page.get_by_label("数值").fill("89")
    page.get_by_label("商品编码").fill("T-001")
    page.get_by_role("button", name="检查").click()
    expect(page.locator(".verdict h2")).to_have_text("需审批")
    expect(page.locator(".verdict")).to_contain_text("¥89.00 是成本 ¥70.00 的 1.27 倍")
    screenshot(page, "28-guardrail-needs-approval", full_page=True)
    page.get_by_label("申请理由").fill("清理临期库存，限量 200 件")
    page.get_by_role("button", name="提交给商家审批").click()
    expect(page.locator(".flash-success")).to_contain_text("审批申请已提交")
    screenshot(page, "29-approval-requested")

    assert_clean(watch, 409)


def test_merchant_owner_signs_approves_and_accepts(
    live_server: Any, world: World, page_and_watch: tuple[Page, Watch]
) -> None:
    page, watch = page_and_watch
    story = small_story(world)
    base = live_server.url
    log_in(page, base, "owner")

    page.goto(f"{base}/board/")
    screenshot(page, "30-board-owner")

    page.goto(f"{base}/engagements/{story.engagement.pk}/deliverables/")
    page.get_by_role("button", name="签字确认第 1 版").click()
    expect(page.locator(".flash-success")).to_contain_text("已签字")
    expect(page.locator(f"#deliverable-{story.diagnosis.pk} .sig-ok")).to_have_count(1)
    screenshot(page, "31-deliverable-signed")

    page.goto(f"{base}/duties/{story.handed_in.pk}/")
    screenshot(page, "32-duty-review", full_page=True)
    page.get_by_text("退回…").click()
    page.get_by_label("理由").fill("第 3 款主图文字太多，按平台规范重做")
    screenshot(page, "33-duty-reject-reason")
    page.get_by_role("button", name="确认退回").click()
    expect(page.locator(".flash-success")).to_contain_text("已退回")

    page.goto(f"{base}/approvals/")
    screenshot(page, "34-approval-inbox")
    page.get_by_role("link", name=story.approval.title).click()
    screenshot(page, "35-approval-detail", full_page=True)
    page.get_by_role("button", name="批准").click()
    expect(page.locator(".flash-success")).to_contain_text("已批准")

    page.goto(f"{base}/approvals/monthly/")
    screenshot(page, "36-approvals-monthly")

    page.goto(f"{base}/engagements/{story.engagement.pk}/handover/")
    row = page.locator("tr", has_text="主账号和支付密码由商家本人保管")
    row.get_by_role("button", name="我确认").click()
    expect(page.locator(".flash-success")).to_contain_text("已完成")
    screenshot(page, "37-handover-owner", full_page=True)

    assert_clean(watch)


def test_merchant_compares_agencies_and_chooses_one(
    live_server: Any, world: World, page_and_watch: tuple[Page, Watch]
) -> None:
    page, watch = page_and_watch
    base = live_server.url
    log_in(page, base, "owner")

    page.get_by_role("link", name="筛选托管方").click()
    page.get_by_label("名称").fill("2027 天猫店托管方筛选")
    page.get_by_role("button", name="新建").click()
    expect(page.get_by_role("heading", name="2027 天猫店托管方筛选")).to_be_visible()

    for name, agency, papers, scores, trial in [
        ("云帆托管", "云帆托管", 3, ["4", "5", "3", "4", "4"], ("20000", "25600")),
        ("星火代运营", "", 3, ["3", "2", "3", "3", "2"], ("20000", "22000")),
        ("速达电商", "", 2, ["5", "4", "4", "5", "3"], None),
    ]:
        page.get_by_label("托管公司").fill(name)
        if agency:
            page.get_by_label("已入驻的账号").select_option(label=agency)
        page.get_by_role("button", name="添加").click()
        expect(page.get_by_role("heading", name=name)).to_be_visible()
        boxes = page.locator("form[action$='/papers/'] input[type=checkbox]")
        for i in range(papers):
            boxes.nth(i).check()
        page.get_by_role("button", name="保存资质审核").click()
        selects = page.locator("table.interview select")
        for i, score in enumerate(scores):
            selects.nth(i).select_option(score)
        page.locator("table.interview input[type=text]").first.fill("直通车 7 天测款，日预算 300")
        page.get_by_role("button", name="保存面试评分").click()
        if trial:
            page.get_by_label("试用前基准值").fill(trial[0])
            page.get_by_label("试用期实际值").fill(trial[1])
            page.get_by_role("button", name="保存试用结果").click()
        if name == "云帆托管":
            screenshot(page, "40-candidate-scores", full_page=True)
        page.get_by_role("link", name="← 回到排名").click()

    expect(page.locator("table.ranking tbody tr").first).to_contain_text("云帆托管")
    screenshot(page, "41-selection-ranking", full_page=True)

    page.get_by_label("选定的托管方").select_option(label="云帆托管")
    page.get_by_label("山野茶舍天猫店").check()
    page.get_by_label("开始日期").fill("2027-01-04")
    page.get_by_label("结束日期").fill("2027-12-31")
    page.get_by_role("button", name="选定并建立合作").click()
    page.wait_for_url(re.compile(r"/engagements/\d+/$"))
    expect(page.locator(".flash-success")).to_contain_text("已选定 云帆托管")
    screenshot(page, "42-chosen-engagement")
    assert Engagement.objects.filter(name="山野茶舍 × 云帆托管").exists()
    assert (
        Engagement.objects.get(name="山野茶舍 × 云帆托管")
        .deliverables.filter(kind=DeliverableKind.HANDOVER)
        .exists()
    )

    assert_clean(watch)


def test_english_and_outsiders(live_server: Any, world: World, page_and_watch: tuple[Page, Watch]) -> None:
    page, watch = page_and_watch
    story = small_story(world)
    base = live_server.url
    log_in(page, base, "lead")
    page.goto(f"{base}/engagements/{story.engagement.pk}/requests/")
    page.get_by_role("button", name="EN").click()
    page.wait_for_selector("html[lang='en']")
    expect(page.get_by_role("link", name="Board")).to_be_visible()
    screenshot(page, "50-requests-english", full_page=True)
    page.goto(f"{base}/duties/{story.handed_in.pk}/")
    screenshot(page, "51-duty-english", full_page=True)
    page.goto(f"{base}/board/")
    screenshot(page, "52-board-english")

    # 海老板 runs another merchant: 山野茶舍's engagement does not exist for him.
    page.context.clear_cookies()
    log_in(page, base, "fisher")
    page.goto(f"{base}/engagements/{story.engagement.pk}/")
    expect(page.get_by_text("找不到这个页面")).to_be_visible()
    page.goto(f"{base}/board/")
    expect(page.get_by_text(story.late_duty.title)).to_have_count(0)
    screenshot(page, "53-board-other-merchant")

    assert_clean(watch, 404)
