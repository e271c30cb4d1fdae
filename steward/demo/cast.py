"""Who and what the demo world consists of: organisations, people, shops, products, campaigns.

Plain data, no database: the generator, the loader and ``demo logins`` all read it from here.
Role and platform values are the model choices' stored strings, so this module imports no models.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from steward.demo.scenario import (
    GROWTH_SHOP,
    MATURE_SHOP,
    NEW_SHOP,
    PROBLEM_SHOP,
    ROI_SLUMP,
    SOLO_SHOP,
    START,
)

AGENCY = "云帆电商托管"
# The owner of the merchant without an agency: logging in shows one shop and nothing else.
ISOLATED_OWNER = "qh_owner"


@dataclass(frozen=True)
class OrgSpec:
    name: str
    kind: str  # "merchant" | "agency"


@dataclass(frozen=True)
class PersonSpec:
    username: str
    display_name: str
    organisation: str
    role: str  # a steward.accounts.models.Role value
    role_label: str  # Chinese (English), as the logins are printed


@dataclass(frozen=True)
class SkuSpec:
    code: str
    name: str
    price: Decimal
    cost: Decimal
    role: str  # hero / traffic / profit / long_tail
    weight: float  # share of the shop's orders on an ordinary day
    substitute: str | None = None
    multi_buy: float = 0.15  # chance that an order takes more than one unit


@dataclass(frozen=True)
class CampaignSpec:
    name: str
    share: float  # share of the shop's daily ad budget
    cpc_yuan: float  # typical cost per click
    ctr: float  # typical click-through rate
    roi: float  # typical revenue / spend
    starts: dt.date | None = None
    ends: dt.date | None = None


@dataclass(frozen=True)
class ShopSpec:
    code: str
    name: str
    platform: str
    category: str
    level: str
    opened_on: dt.date
    merchant: str
    stage: str  # new / growth / mature / problem (the solo shop runs like a small growth shop)
    # Organic visitors on an ordinary weekday at trend level 1.0 (the end of the period for a
    # growing shop, the weeks before the slide for the problem shop).
    organic_visitors: float
    conversion: float  # paid buyers / visitors on an ordinary weekday
    ad_spend_yuan: float  # daily ad budget across all campaigns
    repeat_rate: float  # chance that an order comes from an earlier buyer
    review_rate: float  # chance that a purchase is reviewed
    bad_review_rate: float
    refund_rate: float
    first_response_s: float
    pv_per_visitor: float
    festival_strength: float = 1.0  # how strongly 618 and Double 11 lift this shop
    skus: tuple[SkuSpec, ...] = ()
    campaigns: tuple[CampaignSpec, ...] = ()

    @property
    def first_day(self) -> dt.date:
        """First day with data: the period start, or the opening day of a young shop."""
        return max(START, self.opened_on)


@dataclass(frozen=True)
class EngagementSpec:
    name: str
    merchant: str
    shops: tuple[str, ...]
    research_starts_on: dt.date
    starts_on: dt.date
    ends_on: dt.date
    phase: str
    # (username, role) of the specialists assigned; the lead and supervisor see everything anyway.
    assignments: tuple[tuple[str, str], ...] = field(default=())
    note: str = ""


ORGANISATIONS = (
    OrgSpec(AGENCY, "agency"),
    OrgSpec("拾光香氛", "merchant"),
    OrgSpec("山禾茶业", "merchant"),
    OrgSpec("暖织家纺", "merchant"),
    # Runs its own shop without an agency: its owner's login shows that nothing else is visible.
    OrgSpec("青禾母婴", "merchant"),
)

PEOPLE = (
    PersonSpec("yf_lead", "陈志远", AGENCY, "agency_lead", "托管负责人（agency lead）"),
    PersonSpec("yf_supervisor", "赵敏", AGENCY, "agency_supervisor", "托管主管（supervisor）"),
    PersonSpec("yf_ops", "刘洋", AGENCY, "agency_operations", "运营专员（operations）"),
    PersonSpec("yf_ads", "周凯", AGENCY, "agency_ads", "推广专员（ads）"),
    PersonSpec("yf_service", "孙悦", AGENCY, "agency_service", "客服专员（customer service）"),
    PersonSpec("yf_design", "林晓", AGENCY, "agency_design", "美工（design）"),
    PersonSpec("nz_owner", "王立新", "暖织家纺", "merchant_owner", "商家负责人（merchant owner）"),
    PersonSpec("nz_staff", "郑琳", "暖织家纺", "merchant_staff", "商家员工（merchant staff）"),
    PersonSpec("sh_owner", "黄建国", "山禾茶业", "merchant_owner", "商家负责人（merchant owner）"),
    PersonSpec("sh_staff", "吴芳", "山禾茶业", "merchant_staff", "商家员工（merchant staff）"),
    PersonSpec("sg_owner", "许静", "拾光香氛", "merchant_owner", "商家负责人（merchant owner）"),
    PersonSpec("sg_staff", "何小雨", "拾光香氛", "merchant_staff", "商家员工（merchant staff）"),
    PersonSpec("qh_owner", "马青禾", "青禾母婴", "merchant_owner", "商家负责人（merchant owner）"),
)


def _skus(table: str) -> tuple[SkuSpec, ...]:
    """Parse a product table: code | name | price | cost | role | weight | substitute | multi-buy."""
    specs = []
    for line in table.strip().splitlines():
        code, name, price, cost, role, weight, substitute, multi_buy = (
            part.strip() for part in line.split("|")
        )
        specs.append(
            SkuSpec(
                code=code,
                name=name,
                price=Decimal(price),
                cost=Decimal(cost),
                role=role,
                weight=float(weight),
                substitute=None if substitute == "-" else substitute,
                multi_buy=float(multi_buy),
            )
        )
    return tuple(specs)


def _campaigns(table: str) -> tuple[CampaignSpec, ...]:
    """Parse a campaign table: name | budget share | CPC | CTR | ROI | first day | last day."""
    specs = []
    for line in table.strip().splitlines():
        name, share, cpc, ctr, roi, starts, ends = (part.strip() for part in line.split("|"))
        specs.append(
            CampaignSpec(
                name=name,
                share=float(share),
                cpc_yuan=float(cpc),
                ctr=float(ctr),
                roi=float(roi),
                starts=None if starts == "-" else dt.date.fromisoformat(starts),
                ends=None if ends == "-" else dt.date.fromisoformat(ends),
            )
        )
    return tuple(specs)


SHOPS = (
    ShopSpec(
        code=NEW_SHOP,
        name="拾光香氛抖音小店",
        platform="douyin",
        category="家居日用/香薰蜡烛",
        level="商家体验分 4.62（新店期）",
        opened_on=dt.date(2026, 9, 21),
        merchant="拾光香氛",
        stage="new",
        organic_visitors=120,
        conversion=0.017,
        ad_spend_yuan=28,
        repeat_rate=0.04,
        review_rate=0.22,
        bad_review_rate=0.03,
        refund_rate=0.05,
        first_response_s=26,
        pv_per_visitor=1.9,
        festival_strength=0.6,
        skus=_skus(
            """
            SG-001 | 无火香薰藤条扩香 白茶 100ml  |  59.90 | 17.50 | hero      | 0.24 | SG-003 | 0.15
            SG-002 | 大豆蜡香薰蜡烛 玫瑰乌木 200g |  69.00 | 21.00 | hero      | 0.18 | SG-004 | 0.15
            SG-003 | 无火香薰藤条扩香 小苍兰 100ml |  59.90 | 17.50 | traffic   | 0.12 | -      | 0.15
            SG-004 | 大豆蜡香薰蜡烛 雪松 200g     |  69.00 | 21.00 | traffic   | 0.10 | -      | 0.15
            SG-005 | 香薰礼盒 蜡烛+扩香 送礼套装  | 168.00 | 52.00 | profit    | 0.08 | -      | 0.05
            SG-006 | 车载香薰 出风口夹 木质调     |  39.90 |  9.80 | profit    | 0.10 | -      | 0.25
            SG-007 | 植物精油 10ml 三支装         |  49.90 | 13.00 | profit    | 0.08 | -      | 0.15
            SG-008 | 香薰专用长杆火柴 50支        |   9.90 |  2.50 | long_tail | 0.04 | -      | 0.30
            SG-009 | 黄铜灭烛器                   |  29.90 |  8.00 | long_tail | 0.03 | -      | 0.15
            SG-010 | 扩香替换藤条 20根装          |  12.90 |  3.00 | long_tail | 0.03 | -      | 0.30
            """
        ),
        # A young shop's paid traffic: small Douyin boosts while products are tested.
        campaigns=_campaigns(
            """
            随心推-短视频加热 | 0.35 | 0.45 | 0.021 | 3.1 | 2026-09-24 | -
            千川-新品测款     | 0.40 | 0.60 | 0.016 | 3.4 | 2026-10-05 | -
            千川-直播间引流   | 0.25 | 0.70 | 0.012 | 2.9 | 2026-10-26 | -
            """
        ),
    ),
    ShopSpec(
        code=GROWTH_SHOP,
        name="山禾茶语淘宝店",
        platform="taobao",
        category="茶/乌龙茶",
        level="第3层级 · 四钻",
        opened_on=dt.date(2021, 4, 12),
        merchant="山禾茶业",
        stage="growth",
        organic_visitors=340,
        conversion=0.03,
        ad_spend_yuan=150,
        repeat_rate=0.15,  # tea is bought again: the diagnosis calls out a 15% repurchase product
        review_rate=0.12,
        bad_review_rate=0.02,
        refund_rate=0.03,
        first_response_s=19,
        pv_per_visitor=3.1,
        skus=_skus(
            """
            SH-101 | 武夷山大红袍 浓香型 250g罐装 | 128.00 |  52.00 | hero      | 0.22 | SH-103 | 0.15
            SH-102 | 安溪铁观音 清香型 500g       |  98.00 |  39.00 | hero      | 0.18 | SH-104 | 0.15
            SH-103 | 武夷岩茶 肉桂 250g           | 118.00 |  46.00 | traffic   | 0.10 | -      | 0.15
            SH-104 | 铁观音 浓香型 250g 袋装      |  59.00 |  22.00 | traffic   | 0.12 | -      | 0.30
            SH-105 | 大红袍礼盒 500g 双罐装       | 298.00 | 105.00 | profit    | 0.07 | -      | 0.10
            SH-106 | 正山小种 红茶 200g           |  89.00 |  30.00 | profit    | 0.08 | -      | 0.15
            SH-107 | 福鼎白茶 寿眉饼 350g         | 138.00 |  48.00 | profit    | 0.06 | -      | 0.15
            SH-108 | 特级茉莉花茶 250g            |  68.00 |  22.00 | profit    | 0.07 | -      | 0.15
            SH-109 | 便携旅行茶具 一壶三杯        |  79.00 |  32.00 | long_tail | 0.03 | -      | 0.05
            SH-110 | 锡制茶叶密封罐               |  45.00 |  15.00 | long_tail | 0.03 | -      | 0.15
            SH-111 | 岩茶试饮装 六款各8g          |  19.90 |   8.50 | long_tail | 0.03 | -      | 0.15
            SH-112 | 竹制茶盘 小号                |  99.00 |  41.00 | long_tail | 0.01 | -      | 0.02
            """
        ),
        campaigns=_campaigns(
            f"""
            直通车-大红袍核心词 | 0.32 | 1.25 | 0.034 | 3.8 | -          | -
            直通车-铁观音类目词 | 0.22 | 1.05 | 0.029 | 3.4 | -          | -
            引力魔方-老客召回   | 0.14 | 0.80 | 0.011 | 5.2 | -          | -
            万相台-货品加速     | 0.20 | 1.10 | 0.024 | 3.6 | 2026-07-06 | -
            {ROI_SLUMP.campaign} | 0.30 | 1.35 | 0.031 | 3.2 | 2026-10-15 | -
            """
        ),
    ),
    ShopSpec(
        code=MATURE_SHOP,
        name="暖织家纺天猫旗舰店",
        platform="tmall",
        category="床上用品/四件套",
        level="天猫旗舰店 · 第5层级",
        opened_on=dt.date(2017, 8, 1),
        merchant="暖织家纺",
        stage="mature",
        organic_visitors=1150,
        conversion=0.025,
        ad_spend_yuan=1100,
        repeat_rate=0.12,
        review_rate=0.1,
        bad_review_rate=0.015,
        refund_rate=0.04,
        first_response_s=14,
        pv_per_visitor=3.4,
        skus=_skus(
            """
            NZ-T01 | 60支长绒棉四件套 1.8m床      |  399.00 | 156.00 | hero      | 0.28 | NZ-T04 | 0.08
            NZ-T02 | 100%桑蚕丝被 春秋被 2斤      |  699.00 | 285.00 | hero      | 0.08 | NZ-T05 | 0.04
            NZ-T03 | A类纯棉纱布夏凉被 200x230    |  159.00 |  55.00 | hero      | 0.10 | NZ-T06 | 0.10
            NZ-T04 | 40支全棉四件套 1.8m床        |  259.00 |  98.00 | traffic   | 0.10 | -      | 0.08
            NZ-T05 | 大豆纤维春秋被 200x230       |  259.00 |  92.00 | traffic   | 0.06 | -      | 0.05
            NZ-T06 | 纯棉纱布四层盖毯             |  129.00 |  44.00 | traffic   | 0.08 | -      | 0.15
            NZ-T07 | 天丝四件套 1.8m床            |  599.00 | 210.00 | profit    | 0.05 | -      | 0.04
            NZ-T08 | 95白鹅绒羽绒被 冬被          | 1299.00 | 520.00 | profit    | 0.03 | -      | 0.02
            NZ-T09 | 泰国天然乳胶枕 一对装        |  299.00 | 105.00 | profit    | 0.06 | -      | 0.05
            NZ-T10 | 全棉床笠 1.8m 单件           |   99.00 |  32.00 | profit    | 0.06 | -      | 0.20
            NZ-T11 | 全棉枕套 一对装              |   59.00 |  18.00 | profit    | 0.05 | -      | 0.25
            NZ-T12 | 儿童纯棉三件套 1.2m床        |  229.00 |  88.00 | long_tail | 0.03 | -      | 0.15
            NZ-T13 | 针织休闲盖毯                 |  169.00 |  58.00 | long_tail | 0.02 | -      | 0.15
            NZ-T14 | 被子收纳袋 三只装            |   49.00 |  15.00 | long_tail | 0.02 | -      | 0.20
            NZ-T15 | 抱枕芯 45x45cm               |   39.00 |  12.00 | long_tail | 0.02 | -      | 0.35
            """
        ),
        campaigns=_campaigns(
            """
            万相台-四件套货品加速 | 0.26 | 1.70 | 0.032 | 4.4 | -          | -
            直通车-品牌词         | 0.10 | 0.90 | 0.061 | 5.4 | -          | -
            直通车-蚕丝被核心词   | 0.22 | 2.20 | 0.027 | 3.7 | -          | -
            引力魔方-人群拉新     | 0.22 | 1.20 | 0.009 | 2.9 | -          | -
            品销宝-品牌专区       | 0.08 | 1.50 | 0.048 | 5.5 | -          | -
            万相台-双11会场       | 0.35 | 2.00 | 0.028 | 4.0 | 2026-10-21 | 2026-11-12
            """
        ),
    ),
    ShopSpec(
        code=PROBLEM_SHOP,
        name="暖织家纺京东旗舰店",
        platform="jd",
        category="家纺/枕芯被子",
        level="店铺星级 3.5 · 京东旗舰店",
        opened_on=dt.date(2019, 3, 15),
        merchant="暖织家纺",
        stage="problem",
        organic_visitors=850,
        conversion=0.026,
        ad_spend_yuan=240,
        repeat_rate=0.1,
        review_rate=0.14,
        bad_review_rate=0.03,
        refund_rate=0.05,
        first_response_s=24,
        pv_per_visitor=2.8,
        festival_strength=0.7,
        skus=_skus(
            """
            NZJ-01 | 护颈记忆棉枕 慢回弹   | 139.00 |  48.00 | hero      | 0.20 | NZJ-03 | 0.20
            NZJ-02 | 新疆棉花被 冬被 5斤   | 329.00 | 128.00 | hero      | 0.15 | NZJ-04 | 0.05
            NZJ-03 | 天然乳胶波浪枕        | 159.00 |  55.00 | traffic   | 0.12 | -      | 0.20
            NZJ-04 | 大豆纤维冬被 200x230  | 229.00 |  85.00 | traffic   | 0.10 | -      | 0.05
            NZJ-05 | 全棉四件套 1.5m床     | 239.00 |  90.00 | traffic   | 0.08 | -      | 0.15
            NZJ-06 | 澳洲羊毛被 冬被       | 599.00 | 230.00 | profit    | 0.05 | -      | 0.03
            NZJ-07 | 桑蚕丝枕 单只         | 199.00 |  70.00 | profit    | 0.06 | -      | 0.25
            NZJ-08 | 酒店款羽绒枕 一对装   | 269.00 |  95.00 | profit    | 0.07 | -      | 0.15
            NZJ-09 | 全棉枕套 一对装       |  49.00 |  15.00 | long_tail | 0.06 | -      | 0.25
            NZJ-10 | 床垫保护垫 防水 1.8m  | 129.00 |  46.00 | long_tail | 0.05 | -      | 0.15
            NZJ-11 | 婴儿定型枕            |  79.00 |  26.00 | long_tail | 0.03 | -      | 0.15
            NZJ-12 | U型旅行颈枕           |  59.00 |  19.00 | long_tail | 0.03 | -      | 0.15
            """
        ),
        campaigns=_campaigns(
            """
            京东快车-枕芯核心词 | 0.34 | 0.95 | 0.026 | 3.6 | - | -
            京东快车-被子类目词 | 0.28 | 1.15 | 0.021 | 3.2 | - | -
            京东展位-首页焦点图 | 0.18 | 0.75 | 0.008 | 2.8 | - | -
            购物触点-拉新       | 0.20 | 0.85 | 0.014 | 3.0 | - | -
            """
        ),
    ),
    ShopSpec(
        code=SOLO_SHOP,
        name="青禾母婴拼多多店",
        platform="pdd",
        category="母婴/婴儿湿巾",
        level="品牌黑标 · 星级 4.8",
        opened_on=dt.date(2022, 5, 9),
        merchant="青禾母婴",
        stage="growth",
        organic_visitors=760,
        conversion=0.038,
        ad_spend_yuan=70,
        repeat_rate=0.16,
        review_rate=0.1,
        bad_review_rate=0.02,
        refund_rate=0.03,
        first_response_s=21,
        pv_per_visitor=2.2,
        festival_strength=0.7,
        skus=_skus(
            """
            QH-01 | 婴儿湿巾 80抽×10包      | 39.90 | 19.00 | hero      | 0.30 | QH-02 | 0.20
            QH-02 | 手口专用湿巾 60抽×12包  | 35.90 | 17.00 | traffic   | 0.16 | -     | 0.20
            QH-03 | 婴儿棉柔巾 100抽×6包    | 29.90 | 13.00 | traffic   | 0.15 | -     | 0.25
            QH-04 | 一次性隔尿垫 100片      | 45.90 | 21.00 | traffic   | 0.10 | -     | 0.15
            QH-05 | 纱布口水巾 10条装       | 39.90 | 12.00 | profit    | 0.10 | -     | 0.15
            QH-06 | 婴幼儿洗衣液 1L         | 29.90 | 10.00 | profit    | 0.09 | -     | 0.30
            QH-07 | 奶瓶果蔬清洗剂 500ml    | 19.90 |  6.00 | long_tail | 0.05 | -     | 0.30
            QH-08 | 婴儿指甲剪套装          | 15.90 |  4.00 | long_tail | 0.05 | -     | 0.15
            """
        ),
        campaigns=_campaigns(
            """
            全站推广-婴儿湿巾 | 0.50 | 0.42 | 0.036 | 3.8 | - | -
            标准推广-棉柔巾   | 0.30 | 0.38 | 0.031 | 3.3 | - | -
            明星店铺-品牌词   | 0.20 | 0.30 | 0.052 | 5.1 | - | -
            """
        ),
    ),
)

ENGAGEMENTS = (
    EngagementSpec(
        name="拾光香氛 · 抖音小店托管",
        merchant="拾光香氛",
        shops=(NEW_SHOP,),
        # Diagnosis due three days after research starts: on the last day of the data set.
        research_starts_on=dt.date(2026, 11, 17),
        starts_on=dt.date(2026, 11, 27),
        ends_on=dt.date(2027, 11, 26),
        phase="research",
        assignments=(("yf_ops", "agency_operations"), ("yf_design", "agency_design")),
        note="调研诊断中，11月27日正式开始",
    ),
    EngagementSpec(
        name="山禾茶业 · 淘宝店托管",
        merchant="山禾茶业",
        shops=(GROWTH_SHOP,),
        research_starts_on=dt.date(2026, 5, 22),
        starts_on=dt.date(2026, 6, 1),
        ends_on=dt.date(2027, 5, 31),
        phase="execution",
        assignments=(
            ("yf_ops", "agency_operations"),
            ("yf_ads", "agency_ads"),
            ("yf_design", "agency_design"),
        ),
        note="执行中，打造大红袍爆款",
    ),
    EngagementSpec(
        name="暖织家纺 · 天猫旗舰店托管",
        merchant="暖织家纺",
        shops=(MATURE_SHOP,),
        research_starts_on=dt.date(2026, 2, 19),
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2027, 2, 28),
        phase="execution",
        assignments=(
            ("yf_ops", "agency_operations"),
            ("yf_ads", "agency_ads"),
            ("yf_service", "agency_service"),
        ),
        note="执行中，会员分层与品牌日",
    ),
    EngagementSpec(
        name="暖织家纺 · 京东旗舰店托管",
        merchant="暖织家纺",
        shops=(PROBLEM_SHOP,),
        research_starts_on=dt.date(2026, 6, 21),
        starts_on=dt.date(2026, 7, 1),
        ends_on=dt.date(2027, 6, 30),
        phase="execution",
        assignments=(("yf_ads", "agency_ads"), ("yf_service", "agency_service")),
        note="执行中但出了问题：自然流量下滑、双11后差评集中",
    ),
)


def shop_spec(code: str) -> ShopSpec:
    for spec in SHOPS:
        if spec.code == code:
            return spec
    raise KeyError(code)


def person_spec(username: str) -> PersonSpec:
    for spec in PEOPLE:
        if spec.username == username:
            return spec
    raise KeyError(username)
