"""Load the demo world and its numbers into the database, idempotently.

Everything is found by its natural key (organisation name and kind, username, shop code, SKU
code, campaign name, shop and date, order number), so a second run changes nothing and records
nothing new. The world's objects get one audit ``create`` event each when they are first made; each
shop's numbers get one ``import`` event that names the data set by its SHA-256, and a run that
would write the same numbers again records no second one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TextIO
from zoneinfo import ZoneInfo

from django.db import models, transaction

from steward.accounts.models import AGENCY_WIDE_ROLES, Membership, Organisation, Person
from steward.audit.models import AuditEvent
from steward.audit.services import record, record_change, record_create, snapshot
from steward.demo.cast import AGENCY, ENGAGEMENTS, ORGANISATIONS, PEOPLE, SHOPS, EngagementSpec, PersonSpec
from steward.demo.generator import DemoData, ShopData, generate
from steward.demo.scenario import DEMO_PASSWORD
from steward.demo.story import play_stories
from steward.demo.story_billing import seed_billing
from steward.demo.story_signals import seed_signals
from steward.engagements.models import Assignment, Engagement, Phase
from steward.shops.models import Campaign, CampaignDaily, Order, Review, Shop, ShopDaily, Sku, SkuDaily

# Platforms are in China: the times in the data set are Beijing time whatever the server says.
CHINA = ZoneInfo("Asia/Shanghai")
DEMO_SOURCE = "steward demo load"


@dataclass
class LoadSummary:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    rows: dict[str, dict[str, int]] = field(default_factory=dict)  # shop code -> kind -> rows
    imports_recorded: int = 0

    def count(self, bucket: dict[str, int], kind: str) -> None:
        bucket[kind] = bucket.get(kind, 0) + 1


class DemoLogin(NamedTuple):
    username: str
    display_name: str
    role_label: str
    organisation: str
    sees: str


def demo_logins() -> list[DemoLogin]:
    """Every demo login with what it sees; computed from the cast, no database needed."""
    names = {spec.code: spec.name for spec in SHOPS}
    managed = [code for e in ENGAGEMENTS for code in e.shops]
    result = []
    for person in PEOPLE:
        result.append(
            DemoLogin(
                person.username,
                person.display_name,
                person.role_label,
                person.organisation,
                _sees(person, names, managed),
            )
        )
    return result


def _sees(person: PersonSpec, names: dict[str, str], managed: list[str]) -> str:
    if person.organisation == AGENCY:
        if person.role in AGENCY_WIDE_ROLES:
            shops = managed
            scope = f"全部 {len(shops)} 家托管店铺（all {len(shops)} managed shops）"
        else:
            shops = [code for e in ENGAGEMENTS for code in e.shops if _assigned(person, e)]
            scope = f"被指派的 {len(shops)} 家（{len(shops)} assigned）"
    else:
        shops = [spec.code for spec in SHOPS if spec.merchant == person.organisation]
        engaged = any(e.merchant == person.organisation for e in ENGAGEMENTS)
        scope = (
            "本商家的店铺（own shops）" if engaged else "只有自家店铺，无托管方（own shop only, no agency）"
        )
    return f"{scope}：{'、'.join(names[code] for code in shops)}"


def _assigned(person: PersonSpec, engagement: EngagementSpec) -> bool:
    return any(username == person.username for username, _ in engagement.assignments)


def load_demo(stdout: TextIO | None = None, data: DemoData | None = None) -> LoadSummary:
    """Create or update the demo world and all its numbers in one transaction."""
    out = stdout or sys.stdout
    data = data or generate()
    summary = LoadSummary()
    with transaction.atomic():
        orgs = _organisations(summary)
        people = _people(orgs, summary)
        shops = _shops(orgs, summary)
        _engagements(orgs, people, shops, summary)
        for spec in ENGAGEMENTS:
            out.write(f"  {spec.name}: {Phase(spec.phase).label}，{spec.note}\n")
        for shop_data in data.shops:
            rows = _numbers(shops[shop_data.code], shop_data, summary)
            summary.rows[shop_data.code] = rows
            out.write(
                f"  {shop_data.spec.name} ({shop_data.code}): "
                + ", ".join(f"{kind} {n}" for kind, n in rows.items())
                + "\n"
            )
        # Needs the numbers (measured bars, product costs for the guardrails).
        play_stories(out)
        seed_signals(out)
        seed_billing(out)
    return summary


# --- the world --------------------------------------------------------------------------------


def _update(instance: models.Model, values: dict[str, Any], summary: LoadSummary, **context: Any) -> None:
    """Bring ``instance`` to ``values``; record the change only if something differed."""
    before = snapshot(instance)
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if not changed:
        return
    for name in changed:
        setattr(instance, name, values[name])
    instance.save(update_fields=changed)
    record_change(instance, before, None, **context)
    summary.count(summary.updated, instance._meta.model_name or "")


def _organisations(summary: LoadSummary) -> dict[str, Organisation]:
    result = {}
    for spec in ORGANISATIONS:
        org, created = Organisation.objects.get_or_create(name=spec.name, kind=spec.kind)
        if created:
            record_create(org, None)
            summary.count(summary.created, "organisation")
        result[spec.name] = org
    return result


def _people(orgs: dict[str, Organisation], summary: LoadSummary) -> dict[str, Person]:
    result = {}
    demo_hash: str | None = None
    for spec in PEOPLE:
        person = Person.objects.filter(username=spec.username).first()
        if person is None:
            person = Person(username=spec.username, display_name=spec.display_name)
            # Hashed once and shared: the password is published in the README, so a per-person
            # salt protects nothing, while argon2 costs ~0.4 s a hash. Set only on creation, so a
            # second run is fast and keeps a password someone changed on purpose.
            if demo_hash is None:
                person.set_password(DEMO_PASSWORD)
                demo_hash = person.password
            person.password = demo_hash
            person.save()
            record_create(person, None)
            summary.count(summary.created, "person")
        else:
            _update(person, {"display_name": spec.display_name}, summary)
        org = orgs[spec.organisation]
        membership, created = Membership.objects.get_or_create(
            person=person, organisation=org, defaults={"role": spec.role}
        )
        if created:
            record_create(membership, None)
            summary.count(summary.created, "membership")
        else:
            _update(membership, {"role": spec.role}, summary)
        result[spec.username] = person
    return result


def _shops(orgs: dict[str, Organisation], summary: LoadSummary) -> dict[str, Shop]:
    result = {}
    for spec in SHOPS:
        values = {
            "name": spec.name,
            "platform": spec.platform,
            "category": spec.category,
            "level": spec.level,
            "opened_on": spec.opened_on,
            "merchant": orgs[spec.merchant],
        }
        shop = Shop.objects.filter(code=spec.code).first()
        if shop is None:
            shop = Shop.objects.create(code=spec.code, **values)
            record_create(shop, None, shop_id=shop.pk)
            summary.count(summary.created, "shop")
        else:
            _update(shop, values, summary, shop_id=shop.pk)
        result[spec.code] = shop
    return result


def _engagements(
    orgs: dict[str, Organisation], people: dict[str, Person], shops: dict[str, Shop], summary: LoadSummary
) -> None:
    agency = orgs[AGENCY]
    for spec in ENGAGEMENTS:
        values = {
            "research_starts_on": spec.research_starts_on,
            "starts_on": spec.starts_on,
            "ends_on": spec.ends_on,
            "phase": spec.phase,
        }
        merchant = orgs[spec.merchant]
        engagement = Engagement.objects.filter(name=spec.name, merchant=merchant, agency=agency).first()
        members = [shops[code] for code in spec.shops]
        if engagement is None:
            engagement = Engagement.objects.create(name=spec.name, merchant=merchant, agency=agency, **values)
            engagement.shops.set(members)
            record_create(engagement, None, engagement_id=engagement.pk)
            summary.count(summary.created, "engagement")
        else:
            _update(engagement, values, summary, engagement_id=engagement.pk)
            if set(engagement.shops.values_list("pk", flat=True)) != {shop.pk for shop in members}:
                engagement.shops.set(members)
        for username, role in spec.assignments:
            assignment, created = Assignment.objects.get_or_create(
                engagement=engagement, person=people[username], role=role
            )
            if created:
                record_create(assignment, None, engagement_id=engagement.pk)
                summary.count(summary.created, "assignment")


# --- the numbers ------------------------------------------------------------------------------


def _aware(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=CHINA)


def _digest(shop_data: ShopData) -> str:
    # The rows' reprs are deterministic (dates, ints, strings), so equal data hashes equally.
    sha = hashlib.sha256()
    for part in (
        shop_data.spec,
        shop_data.days,
        shop_data.campaign_days,
        shop_data.sku_days,
        shop_data.reviews,
        shop_data.orders,
    ):
        sha.update(repr(part).encode("utf-8"))
    return sha.hexdigest()


def _numbers(shop: Shop, data: ShopData, summary: LoadSummary) -> dict[str, int]:
    skus = _products(shop, data)
    campaigns = {
        name: Campaign.objects.get_or_create(shop=shop, name=name)[0]
        for name in dict.fromkeys(c.campaign for c in data.campaign_days)
    }
    rows = {
        "products": len(skus),
        "shop_daily": _shop_daily(shop, data),
        "campaigns": _campaign_daily(shop, data, campaigns),
        "skus": _sku_daily(shop, data, skus),
        "reviews": _reviews(shop, data, skus),
        "orders": _orders(shop, data),
    }
    digest = _digest(data)
    last = AuditEvent.objects.filter(action="import", shop_id=shop.pk).order_by("-seq").first()
    if last is None or (last.after or {}).get("sha256") != digest:
        record(
            "import",
            target=shop,
            shop_id=shop.pk,
            summary=f"演示数据导入（demo data）：{shop.name}，"
            + "，".join(f"{kind} {n} 行" for kind, n in rows.items()),
            after={
                "source": DEMO_SOURCE,
                "sha256": digest,
                "date_from": data.days[0].date,
                "date_to": data.days[-1].date,
                "rows": rows,
            },
        )
        summary.imports_recorded += 1
    return rows


def _products(shop: Shop, data: ShopData) -> dict[str, Sku]:
    specs = data.spec.skus
    Sku.objects.bulk_create(
        [Sku(shop=shop, code=s.code, name=s.name, price=s.price, cost=s.cost, role=s.role) for s in specs],
        update_conflicts=True,
        unique_fields=["shop", "code"],
        update_fields=["name", "price", "cost", "role"],
    )
    skus = {sku.code: sku for sku in Sku.objects.filter(shop=shop, code__in=[s.code for s in specs])}
    changed = []
    for spec in specs:
        sku = skus[spec.code]
        substitute_id = skus[spec.substitute].pk if spec.substitute else None
        if sku.substitute_id != substitute_id:
            sku.substitute_id = substitute_id
            changed.append(sku)
    Sku.objects.bulk_update(changed, ["substitute"])
    return skus


def _upsert(
    model: type[models.Model],
    objects: list[Any],
    unique_fields: list[str],
    existing: Iterable[tuple[Any, ...]],
    keep: set[tuple[Any, ...]],
) -> int:
    """Insert or update ``objects`` by their natural key and delete the shop's rows not in ``keep``.

    ``existing`` yields (pk, *key) of the rows already stored for the shop, read before the
    upsert; rows from an older data set that this one no longer has are removed.
    """
    stale = [pk for pk, *key in existing if tuple(key) not in keep]
    for start in range(0, len(stale), 500):
        model._default_manager.filter(pk__in=stale[start : start + 500]).delete()
    update_fields = [
        f.name for f in model._meta.concrete_fields if not f.primary_key and f.name not in unique_fields
    ]
    model._default_manager.bulk_create(
        objects,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=unique_fields,
        update_fields=update_fields,
    )
    return len(objects)


def _shop_daily(shop: Shop, data: ShopData) -> int:
    objects = [
        ShopDaily(
            shop=shop,
            date=d.date,
            visitors=d.visitors,
            page_views=d.page_views,
            paid_buyers=d.paid_buyers,
            paid_orders=d.paid_orders,
            gmv_fen=d.gmv_fen,
            refunds_fen=d.refunds_fen,
            conversion_ppm=d.conversion_ppm,
            aov_fen=d.aov_fen,
            organic_visitors=d.organic_visitors,
            paid_visitors=d.paid_visitors,
            repeat_buyers=d.repeat_buyers,
            first_response_ms=d.first_response_ms,
        )
        for d in data.days
    ]
    existing = ShopDaily.objects.filter(shop=shop).values_list("pk", "date")
    return _upsert(ShopDaily, objects, ["shop", "date"], list(existing), {(d.date,) for d in data.days})


def _campaign_daily(shop: Shop, data: ShopData, campaigns: dict[str, Campaign]) -> int:
    objects = [
        CampaignDaily(
            shop=shop,
            campaign=campaigns[c.campaign],
            date=c.date,
            spend_fen=c.spend_fen,
            impressions=c.impressions,
            clicks=c.clicks,
            revenue_fen=c.revenue_fen,
            orders=c.orders,
            ctr_ppm=c.ctr_ppm,
            roi_e4=c.roi_e4,
        )
        for c in data.campaign_days
    ]
    keep = {(campaigns[c.campaign].pk, c.date) for c in data.campaign_days}
    existing = CampaignDaily.objects.filter(shop=shop).values_list("pk", "campaign_id", "date")
    return _upsert(CampaignDaily, objects, ["shop", "campaign", "date"], list(existing), keep)


def _sku_daily(shop: Shop, data: ShopData, skus: dict[str, Sku]) -> int:
    objects = [
        SkuDaily(
            shop=shop,
            sku=skus[s.sku],
            date=s.date,
            visitors=s.visitors,
            units=s.units,
            paid_orders=s.paid_orders,
            gmv_fen=s.gmv_fen,
            stock=s.stock,
        )
        for s in data.sku_days
    ]
    keep = {(skus[s.sku].pk, s.date) for s in data.sku_days}
    existing = SkuDaily.objects.filter(shop=shop).values_list("pk", "sku_id", "date")
    return _upsert(SkuDaily, objects, ["shop", "sku", "date"], list(existing), keep)


def _reviews(shop: Shop, data: ShopData, skus: dict[str, Sku]) -> int:
    # Reviews have no natural key: the shop's reviews are replaced as a whole.
    Review.objects.filter(shop=shop).delete()
    Review.objects.bulk_create(
        [
            Review(
                shop=shop,
                sku=skus[r.sku],
                date=r.date,
                reviewed_at=_aware(r.reviewed_at),
                rating=r.rating,
                stars=r.stars,
                is_bad=r.is_bad,
                content=r.content,
            )
            for r in data.reviews
        ],
        batch_size=1000,
    )
    return len(data.reviews)


def _orders(shop: Shop, data: ShopData) -> int:
    objects = [
        Order(
            shop=shop,
            order_id=o.order_id,
            buyer=o.buyer,
            paid_at=_aware(o.paid_at),
            amount_fen=o.amount_fen,
            status=o.status,
            is_purchase=o.is_purchase,
            sku_code=o.sku,
            quantity=o.quantity,
        )
        for o in data.orders
    ]
    keep = {(o.order_id,) for o in data.orders}
    existing = Order.objects.filter(shop=shop).values_list("pk", "order_id")
    return _upsert(Order, objects, ["shop", "order_id"], list(existing), keep)
