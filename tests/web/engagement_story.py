"""A month in 山野茶舍's engagement with 云帆, told through the same services the pages call.

``small_story`` works on the world's bare engagement (fast: a handful of duties, one document,
the checklists, a request and an approval). ``template_story`` creates a full engagement from
the default template (about 225 duties, checklists and deliverables), then plays a few weeks.
Dates are relative to today, so pages that compare with "now" read the same on any day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from steward.approvals.guardrails import Proposal
from steward.approvals.models import ApprovalRequest
from steward.approvals.services import ask_question, decide, request_approval
from steward.duties.models import Duty, DutySource, Party
from steward.duties.services import DutySpec, accept_duty, add_evidence, open_duty, submit_duty
from steward.engagements.models import (
    Deliverable,
    DeliverableKind,
    Engagement,
    Phase,
    SupportRequest,
)
from steward.engagements.requests import answer_request, raise_request
from steward.engagements.services import (
    NewEngagement,
    add_version,
    complete_checklist_item,
    create_checklists,
    create_engagement,
    decide_version,
    grant_access,
)
from steward.shops.models import Sku
from tests.conftest import World


def pdf(name: str, body: str = "诊断报告") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, f"%PDF-1.4 {body}".encode(), content_type="application/pdf")


def tea_sku(world: World) -> Sku:
    """The hero product: ¥128, cost ¥70, so the 1.5 × cost floor is ¥105."""
    sku, _created = Sku.objects.get_or_create(
        shop=world.shop,
        code="T-001",
        defaults={"name": "明前龙井 250g", "price": Decimal("128"), "cost": Decimal("70"), "role": "hero"},
    )
    return sku


@dataclass
class Story:
    engagement: Engagement
    late_duty: Duty  # the agency's, past due and not handed in
    handed_in: Duty  # the agency's, handed in and waiting for the merchant to accept
    merchant_duty: Duty  # the merchant's, due this week
    diagnosis: Deliverable
    request: SupportRequest
    approval: ApprovalRequest
    sku: Sku


def small_story(world: World) -> Story:
    engagement = world.engagement
    now = timezone.now()
    today = timezone.localdate()

    def duty(title: str, owner: str, days: int, **more: object) -> Duty:
        return open_duty(
            engagement,
            DutySpec(
                title=title,
                owner_party=owner,
                counted_from=today,
                count=days,
                count_mode="calendar_days",
                lead_person=world.agency_lead if owner == Party.AGENCY else world.merchant_owner,
                support_party=Party(owner).other,
                phase=Phase.EXECUTION,
                source=DutySource.MANUAL,
                **more,  # type: ignore[arg-type]
            ),
            world.agency_lead,
        )

    late = duty("提交本周推广计划", Party.AGENCY, -3, acceptance="含关键词、日预算和目标 ROI")
    handed_in = duty("主图优化（第一批 5 款）", Party.AGENCY, 2, acceptance="提交修改前后对比图")
    add_evidence(
        handed_in,
        world.ads_specialist,
        note="5 款主图已替换，附对比图",
        url="https://example.com/images",
        upload=SimpleUploadedFile("主图对比.png", b"\x89PNG fake", content_type="image/png"),
    )
    submit_duty(handed_in, world.ads_specialist)
    merchant_duty = duty("确认双十二活动方案", Party.MERCHANT, 1)

    diagnosis = Deliverable.objects.create(
        engagement=engagement, kind=DeliverableKind.DIAGNOSIS, title="店铺诊断报告"
    )
    diagnosis.signers.set([world.merchant_owner, world.agency_lead])
    add_version(diagnosis, world.agency_lead, upload=pdf("店铺诊断报告-v1.pdf"), note="近 90 天数据")

    create_checklists(engagement)
    item = engagement.checklist.get(code="team_roster")
    complete_checklist_item(item, world.agency_lead, "运营小周、推广小周、客服小何")
    grant_access(
        engagement,
        world.merchant_owner,
        system="千牛子账号",
        account="山野茶舍:云帆运营",
        permissions="商品、推广",
    )

    request = raise_request(
        engagement, world.merchant_owner, "important", "直通车花费超出日预算 30%", "昨天花了 1,950 元", now
    )

    sku = tea_sku(world)
    approval = request_approval(
        engagement,
        world.ads_specialist,
        Proposal("spend", Decimal("15000")),
        "双十二预热期搜索推广追加预算，预计 ROI 3.0",
        title="双十二搜索推广追加 ¥15,000",
        evidence=[{"note": "上周 ROI 3.4"}],
    )
    return Story(engagement, late, handed_in, merchant_duty, diagnosis, request, approval, sku)


def template_story(world: World, name: str = "山野茶舍 2026-2027") -> Engagement:
    """A full engagement that started three weeks ago: research done and signed, hand-over under
    way, some work handed in and accepted, the rest open or late."""
    today = timezone.localdate()
    starts = today - dt.timedelta(days=21)
    engagement = create_engagement(
        NewEngagement(
            name=name,
            merchant=world.merchant,
            agency=world.agency,
            shops=[world.shop],
            starts_on=starts,
            ends_on=starts + dt.timedelta(days=364),
        ),
        world.agency_lead,
    )
    for deliverable in engagement.deliverables.filter(
        kind__in=[DeliverableKind.DIAGNOSIS, DeliverableKind.STRATEGY]
    ):
        version = add_version(
            deliverable, world.agency_lead, upload=pdf(f"{deliverable.title}.pdf", deliverable.title)
        )
        decide_version(version, world.merchant_owner, sign=True, ip="10.0.0.8")
        decide_version(version, world.agency_lead, sign=True, ip="10.0.0.9")
    handover = engagement.deliverables.get(kind=DeliverableKind.HANDOVER)
    version = add_version(handover, world.agency_lead, upload=pdf("交接确认书.pdf", "交接"))
    decide_version(version, world.agency_lead, sign=True, ip="10.0.0.9")
    for duty in engagement.duties.filter(phase=Phase.RESEARCH):
        side = world.agency_lead if duty.owner_party == Party.AGENCY else world.merchant_owner
        reviewer = world.merchant_owner if duty.owner_party == Party.AGENCY else world.agency_lead
        submit_duty(duty, side)
        accept_duty(duty, reviewer)
    for item in engagement.checklist.filter(checklist="handover", owner_party=Party.AGENCY):
        complete_checklist_item(item, world.agency_lead)
    grant_access(
        engagement,
        world.merchant_owner,
        system="千牛子账号",
        account="山野茶舍:云帆运营",
        permissions="商品、推广、客服",
    )
    grant_access(
        engagement,
        world.merchant_owner,
        system="直通车",
        account="shanye_ztc",
        permissions="推广，无资金权限",
    )
    raise_request(
        engagement, world.merchant_owner, "critical", "店铺被降权，搜索流量掉了一半", "今天上午开始"
    )
    routine = raise_request(engagement, world.agency_supervisor, "routine", "请提供新品实拍图", "")
    answer_request(routine, world.merchant_staff, "已上传到共享盘")
    Engagement.objects.filter(pk=engagement.pk).update(phase=Phase.FOUNDATION)
    engagement.refresh_from_db()
    tea_sku(world)
    budget = request_approval(
        engagement,
        world.agency_supervisor,
        Proposal("spend", Decimal("25000")),
        "双十二搜索推广加投",
        title="双十二搜索推广 ¥25,000",
    )
    ask_question(budget, world.merchant_owner, "去年同期 ROI 是多少？")
    price = request_approval(
        engagement,
        world.agency_lead,
        Proposal("price", Decimal("99"), sku="T-001"),
        "竞品降到 99 元，想跟进冲销量",
        title="明前龙井 250g 降价到 ¥99",
    )
    decide(price, world.merchant_owner, approve=False, reason="引流款价格不低于 1.5 倍成本，先用满减券")
    return engagement
