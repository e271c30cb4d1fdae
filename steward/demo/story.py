"""What has happened in each demo engagement up to the end of the data set.

Run once per engagement, right after the loader creates it: the template's duties, checklists
and deliverables, then months of work through the same workflow steps the product uses —
duties handed in (mostly on time, some late, a few still overdue), documents versioned and
signed, requests answered or breached, approvals decided, timed out or still waiting.
Deterministic: the same seed and fixed moments give the same story.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import TextIO

from steward.accounts.models import Person
from steward.approvals.guardrails import Proposal
from steward.approvals.services import decide, request_approval, sweep_timeouts
from steward.demo.cast import ENGAGEMENTS, EngagementSpec
from steward.demo.scenario import END, GROWTH_SHOP, MATURE_SHOP, NEW_SHOP, PROBLEM_SHOP, SEED
from steward.duties.models import Duty, Party
from steward.duties.services import accept_duty, mark_overdue, submit_duty
from steward.duties.workdays import SHANGHAI
from steward.engagements.models import (
    CommunicationPlan,
    Deliverable,
    DeliverableVersion,
    Engagement,
    VersionStatus,
)
from steward.engagements.requests import (
    answer_request,
    check_request_clocks,
    pause_request,
    raise_request,
    resume_request,
)
from steward.engagements.services import (
    add_version,
    complete_checklist_item,
    create_checklists,
    decide_version,
    default_template,
    generate_phase_duties,
    grant_access,
)
from steward.engagements.template import parse_template
from steward.shops.models import Sku

# The story stops at the evening of the last day of data.
STORY_END = dt.datetime.combine(END, dt.time(18, 0), SHANGHAI)

# How reliably each engagement's parties work: (on time, late, never handed in).
RELIABILITY = {
    GROWTH_SHOP: (0.88, 0.10, 0.02),
    MATURE_SHOP: (0.93, 0.06, 0.01),
    PROBLEM_SHOP: (0.72, 0.16, 0.12),
    NEW_SHOP: (1.0, 0.0, 0.0),
}


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), SHANGHAI)


class Cast:
    def __init__(self) -> None:
        self.people = {p.username: p for p in Person.objects.filter(username__contains="_")}

    def __getitem__(self, username: str) -> Person:
        return self.people[username]


def _merchant_prefix(spec: EngagementSpec) -> str:
    return {"拾光香氛": "sg", "山禾茶业": "sh", "暖织家纺": "nz"}[spec.merchant]


def play_stories(out: TextIO) -> None:
    cast = Cast()
    template = default_template()
    items = parse_template(template.items)
    for index, spec in enumerate(ENGAGEMENTS):
        engagement = Engagement.objects.get(name=spec.name)
        if engagement.duties.exists():
            continue  # the story was told on an earlier load
        engagement.template = template
        engagement.save(update_fields=["template"])
        generate_phase_duties(engagement, items, None)
        create_checklists(engagement)
        CommunicationPlan.objects.create(
            engagement=engagement,
            channels=[
                {"kind": "work_group", "detail": "企业微信工作群（双方负责人在群）"},
                {"kind": "video_call", "detail": "每周一 10:00 腾讯会议复盘 30 分钟"},
                {"kind": "email", "detail": "月度总结与结算单发送至商家负责人邮箱"},
            ],
        )
        rng = random.Random(SEED + index)
        shop_code = spec.shops[0]
        prefix = _merchant_prefix(spec)
        if spec.phase == "research":
            _research(engagement, cast, prefix)
        else:
            _execution(engagement, spec, cast, prefix, rng, RELIABILITY[shop_code])
        _requests(engagement, shop_code, cast, prefix)
        _approvals(engagement, shop_code, cast, prefix)
        out.write(
            f"  {spec.name}: {engagement.duties.count()} 项职责，{engagement.deliverables.count()} 份文件\n"
        )
    mark_overdue(STORY_END)


def _doer(duty: Duty, engagement: Engagement, cast: Cast, prefix: str) -> Person:
    if duty.owner_party == Party.MERCHANT:
        return cast[f"{prefix}_owner"] if duty.lead_role == "merchant_owner" else cast[f"{prefix}_staff"]
    if duty.lead_person is not None:
        return duty.lead_person
    return cast["yf_lead"]


def _reviewer(duty: Duty, cast: Cast, prefix: str) -> Person:
    return cast["yf_lead"] if duty.owner_party == Party.MERCHANT else cast[f"{prefix}_owner"]


def _deliver(
    deliverable: Deliverable, author: Person, when: dt.datetime, cast: Cast, prefix: str, sign: bool
) -> None:
    version = add_version(
        deliverable,
        author,
        content={
            "title": deliverable.title,
            "period": deliverable.period,
            "summary": "按约定口径（生意参谋/商智后台，每周五 18:00 截图）整理的数据与动作记录",
        },
    )
    # Back-date the version to the moment it was delivered in the story.
    DeliverableVersion.objects.filter(pk=version.pk).update(created_at=when)
    if sign:
        for signer in deliverable.signers.all():
            decide_version(version, signer, sign=True, ip="10.8.0.12")


def _research(engagement: Engagement, cast: Cast, prefix: str) -> None:
    materials = engagement.duties.get(source_ref="materials")
    submit_duty(materials, cast[f"{prefix}_staff"], now=at(dt.date(2026, 11, 18), 16))
    accept_duty(materials, cast["yf_ops"], now=at(dt.date(2026, 11, 19), 10))
    diagnosis = engagement.duties.get(source_ref="diagnosis")
    deliverable = engagement.deliverables.get(duty=diagnosis)
    _deliver(deliverable, cast["yf_ops"], at(dt.date(2026, 11, 20), 11), cast, prefix, sign=False)
    # The agency has signed its own diagnosis; the merchant's signature is pending.
    version = deliverable.latest_version()
    assert version is not None
    decide_version(version, cast["yf_lead"], sign=True, ip="10.8.0.12")
    submit_duty(diagnosis, cast["yf_ops"], now=at(dt.date(2026, 11, 20), 11, 30))
    grant_access(
        engagement,
        cast[f"{prefix}_owner"],
        system="抖店后台",
        account="shiguang:yunfan-ops",
        permissions="商品管理、数据查看（无资金权限）",
    )


def _execution(
    engagement: Engagement,
    spec: EngagementSpec,
    cast: Cast,
    prefix: str,
    rng: random.Random,
    reliability: tuple[float, float, float],
) -> None:
    on_time, late, _never = reliability
    owner = cast[f"{prefix}_owner"]
    grant_access(
        engagement,
        owner,
        system="商家后台",
        account=f"{prefix}:yunfan-ops",
        permissions="商品、营销、数据（无资金权限）",
    )
    grant_access(
        engagement,
        owner,
        system="推广后台",
        account=f"{prefix}:yunfan-ads",
        permissions="推广计划（日限额 3,000 元）",
    )
    for item in engagement.checklist.filter(checklist="handover"):
        who = (
            owner
            if item.needs_merchant_confirmation or item.owner_party == Party.MERCHANT
            else cast["yf_lead"]
        )
        complete_checklist_item(item, who, now=at(spec.starts_on + dt.timedelta(days=5), 15))
    latest_weekly = (
        engagement.duties.filter(source_ref__startswith="weekly_report:", due_at__lte=STORY_END)
        .order_by("-due_at")
        .first()
    )
    for duty in engagement.duties.filter(due_at__lte=STORY_END).order_by("due_at"):
        doer = _doer(duty, engagement, cast, prefix)
        deliverable = Deliverable.objects.filter(duty=duty).first()
        roll = rng.random()
        if duty == latest_weekly:
            # This week's report is in; the merchant has not signed it yet.
            moment = duty.due_at - dt.timedelta(hours=3)
            if deliverable is not None:
                _deliver(deliverable, doer, moment, cast, prefix, sign=False)
            submit_duty(duty, doer, now=moment)
            continue
        if roll < on_time:
            moment = duty.due_at - dt.timedelta(hours=rng.randint(2, 30))
        elif roll < on_time + late:
            moment = duty.due_at + dt.timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 5))
            if moment > STORY_END:
                continue
        else:
            continue  # never handed in: the overdue sweep marks it
        if deliverable is not None:
            _deliver(deliverable, doer, moment, cast, prefix, sign=True)
        submit_duty(duty, doer, now=moment)
        review_at = moment + dt.timedelta(hours=rng.randint(2, 40))
        if review_at < STORY_END:
            accept_duty(duty, _reviewer(duty, cast, prefix), now=review_at)


def _requests(engagement: Engagement, shop_code: str, cast: Cast, prefix: str) -> None:
    if shop_code == PROBLEM_SHOP:
        routine = raise_request(
            engagement,
            cast[f"{prefix}_staff"],
            "routine",
            "京东店铺首页活动图未更新",
            now=at(dt.date(2026, 11, 18), 10),
        )
        answer_request(
            routine, cast["yf_ads"], "已更换为双11返场主图，请查看", now=at(dt.date(2026, 11, 18), 11, 10)
        )
        critical = raise_request(
            engagement,
            cast[f"{prefix}_owner"],
            "critical",
            "京东搜索排名骤降，疑似店铺被降权",
            "今天下午起主推款搜索不到，访客掉了一半，请立刻排查原因并给出处理方案。",
            now=at(dt.date(2026, 11, 20), 16, 30),
        )
        check_request_clocks(at(dt.date(2026, 11, 20), 17, 45))
        assert critical.breaches.exists()
    elif shop_code == MATURE_SHOP:
        important = raise_request(
            engagement,
            cast[f"{prefix}_staff"],
            "important",
            "11月推广花费已超预算 15%",
            now=at(dt.date(2026, 11, 16), 10),
        )
        pause_request(
            important,
            cast["yf_supervisor"],
            "需要商家确认双11后是否追加预算",
            now=at(dt.date(2026, 11, 16), 11),
        )
        resume_request(important, cast[f"{prefix}_staff"], now=at(dt.date(2026, 11, 17), 9, 30))
        check_request_clocks(at(dt.date(2026, 11, 17), 14))
        answer_request(
            important,
            cast["yf_supervisor"],
            "已下调三个低效计划日限额，本周花费回到预算内",
            now=at(dt.date(2026, 11, 17), 15),
        )
    elif shop_code == GROWTH_SHOP:
        routine = raise_request(
            engagement,
            cast[f"{prefix}_staff"],
            "routine",
            "大红袍礼盒库存还剩多少？",
            now=at(dt.date(2026, 11, 19), 14),
        )
        answer_request(
            routine,
            cast["yf_ops"],
            "剩 320 盒，按近7日销量可售 12 天，已提醒补货",
            now=at(dt.date(2026, 11, 19), 15, 20),
        )
    else:
        routine = raise_request(
            engagement,
            cast["yf_ops"],
            "routine",
            "请提供香氛新品的实拍图和卖点资料",
            now=at(dt.date(2026, 11, 18), 10),
        )
        answer_request(
            routine,
            cast[f"{prefix}_staff"],
            "已上传到共享盘“新品资料”文件夹",
            now=at(dt.date(2026, 11, 18), 11, 30),
        )


def _first_sku(shop_code: str, role: str) -> Sku:
    sku = Sku.objects.filter(shop__code=shop_code, role=role, cost__isnull=False).order_by("code").first()
    assert sku is not None, (shop_code, role)
    return sku


def _approvals(engagement: Engagement, shop_code: str, cast: Cast, prefix: str) -> None:
    if shop_code == GROWTH_SHOP:
        budget = request_approval(
            engagement, cast["yf_ads"], Proposal("spend", Decimal("15000")), "双11预售期搜索推广追加预算，预计 ROI 3.0",
            title="双11搜索推广追加 ¥15,000", now=at(dt.date(2026, 10, 25), 10),
        )  # fmt: skip
        decide(budget, cast[f"{prefix}_staff"], approve=True, now=at(dt.date(2026, 10, 25), 15))
        hero = _first_sku(shop_code, "hero")
        low = (hero.cost * Decimal("1.3")).quantize(Decimal("1")) if hero.cost else Decimal("1")
        price = request_approval(
            engagement, cast["yf_ops"], Proposal("price", low, sku=hero.code), "竞品降价，想用低价冲销量",
            title=f"{hero.name} 降价到 ¥{low}", now=at(dt.date(2026, 11, 13), 10),
        )  # fmt: skip
        decide(
            price,
            cast[f"{prefix}_owner"],
            approve=False,
            reason="引流款价格不低于 1.5 倍成本，先用满减券测试",
            now=at(dt.date(2026, 11, 13), 18),
        )
        request_approval(
            engagement, cast["yf_lead"], Proposal("campaign_plan", planned_date=dt.date(2026, 12, 12)),
            "双十二活动方案：大红袍礼盒满 299 减 40，搜索推广日限额 1,500 元",
            title="双十二活动方案", now=at(dt.date(2026, 11, 20), 10),
        )  # fmt: skip
    elif shop_code == MATURE_SHOP:
        profit = _first_sku(shop_code, "profit")
        request_approval(
            engagement, cast["yf_ops"], Proposal("discount", Decimal("0.35"), sku=profit.code), "双11返场清理秋冬库存",
            title=f"{profit.name} 6.5 折返场", now=at(dt.date(2026, 11, 12), 10),
        )  # fmt: skip
        sweep_timeouts(at(dt.date(2026, 11, 13), 10, 5))
        request_approval(
            engagement, cast["yf_lead"], Proposal("campaign_plan", planned_date=dt.date(2026, 12, 12)),
            "双十二会员专享日方案：老客满 399 减 60，会员积分翻倍", title="双十二会员日方案", now=at(dt.date(2026, 11, 20), 11),
        )  # fmt: skip
    elif shop_code == PROBLEM_SHOP:
        request_approval(
            engagement, cast["yf_lead"], Proposal("service", Decimal("6000"), service="京东直播代播"),
            "自然流量下滑，建议每周 2 场直播拉新，每月 6,000 元", title="新增京东直播代播服务", now=at(dt.date(2026, 11, 19), 15),
        )  # fmt: skip
        budget = request_approval(
            engagement, cast["yf_ads"], Proposal("spend", Decimal("30000")), "用京东快车把搜索排名拉回来",
            title="京东快车追加 ¥30,000", now=at(dt.date(2026, 11, 18), 10),
        )  # fmt: skip
        decide(
            budget,
            cast[f"{prefix}_owner"],
            approve=False,
            reason="先查清降权原因再加投，避免白花钱",
            now=at(dt.date(2026, 11, 18), 16),
        )


def signed_share(engagement: Engagement) -> tuple[int, int]:
    """(signed, awaiting) document versions: a quick check of the story for tests."""
    versions = DeliverableVersion.objects.filter(deliverable__engagement=engagement)
    return versions.filter(status=VersionStatus.SIGNED).count(), versions.filter(
        status=VersionStatus.AWAITING
    ).count()
