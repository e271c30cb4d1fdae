"""Who sees 山野茶舍's alerts: its people do, outsiders get 404 on every page and endpoint; only
the leads and the merchant's owner change the rules."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from steward.signals.models import AlertEpisode
from steward.signals.services import evaluate_shop
from tests.conftest import World, client_for
from tests.signals.stories import campaign_days, day

NOW = dt.datetime(2026, 11, 25, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def fired(world: World) -> AlertEpisode:
    campaign_days(world.shop, "搜索-龙井新茶", {1: 2.0, 2: 2.0, 3: 2.0, 4: 2.0})
    evaluate_shop(world.shop, day(4), now=NOW)
    return AlertEpisode.objects.get(rule="roi-floor")


def urls(world: World, episode: AlertEpisode) -> list[tuple[str, str]]:
    e = world.engagement.pk
    return [
        ("get", f"/signals/engagements/{e}/"),
        ("get", f"/signals/engagements/{e}/rules/"),
        ("get", f"/signals/engagements/{e}/silences/"),
        ("get", f"/signals/episodes/{episode.pk}/"),
        ("post", f"/signals/episodes/{episode.pk}/"),
        ("post", f"/signals/engagements/{e}/rules/"),
        ("post", f"/signals/engagements/{e}/silences/"),
        ("get", f"/api/v1/signals/engagements/{e}/alerts"),
        ("get", f"/api/v1/signals/shops/{world.shop.pk}/alerts"),
        ("get", f"/api/v1/signals/episodes/{episode.pk}"),
        ("get", f"/api/v1/signals/engagements/{e}/rules"),
        ("put", f"/api/v1/signals/engagements/{e}/rules"),
        ("post", f"/api/v1/signals/engagements/{e}/preview"),
        ("get", f"/api/v1/signals/engagements/{e}/silences"),
        ("post", f"/api/v1/signals/engagements/{e}/silences"),
    ]


def test_outsiders_get_404_everywhere(world: World, fired: AlertEpisode) -> None:
    for outsider in world.outsiders:
        client = client_for(outsider)
        for method, url in urls(world, fired):
            body = json.dumps(
                {"rule": "roi-floor", "shop": "shanye-tmall", "until": "2026-12-01", "reason": "x"}
            )
            response = (
                getattr(client, method)(url, body, content_type="application/json")
                if method != "get"
                else client.get(url)
            )
            assert response.status_code == 404, (outsider.username, method, url, response.status_code)


def test_insiders_see_the_alert_its_figures_and_its_duty(world: World, fired: AlertEpisode) -> None:
    for person in world.insiders:
        client = client_for(person)
        page = client.get(f"/signals/engagements/{world.engagement.pk}/")
        assert page.status_code == 200 and "搜索-龙井新茶" in page.content.decode()
        detail = client.get(f"/signals/episodes/{fired.pk}/")
        assert detail.status_code == 200 and "spend_fen" in detail.content.decode()
        listed = client.get(f"/api/v1/signals/engagements/{world.engagement.pk}/alerts").json()
        assert [(a["rule"], a["fired"], a["duty_id"]) for a in listed] == [
            ("roi-floor", "2026-11-03", fired.duty_id)
        ]
        assert client.get(f"/signals/engagements/{world.engagement.pk}/rules/").status_code == 200


def test_only_leads_and_the_owner_change_thresholds(world: World) -> None:
    url = f"/api/v1/signals/engagements/{world.engagement.pk}/rules"
    change = json.dumps({"overrides": {"ctr-floor": {"ctr_floor": "1%"}}})
    # 推广小周 may look but not change.
    ads = client_for(world.ads_specialist)
    assert ads.get(url).json()["can_edit"] is False
    assert ads.put(url, change, content_type="application/json").status_code == 403
    # 赵主管 can; the new threshold shows as the engagement's override.
    supervisor = client_for(world.agency_supervisor)
    rules = supervisor.put(url, change, content_type="application/json").json()["rules"]
    ctr = next(r for r in rules if r["id"] == "ctr-floor")
    assert ctr["params"]["ctr_floor"] == "1/100" and ctr["overrides"] == {"ctr_floor": "1%"}
    # A mistake names the rule and the field.
    bad = supervisor.put(
        url, json.dumps({"overrides": {"ctr-floor": {"ctr_flor": 1}}}), content_type="application/json"
    )
    assert bad.status_code == 422 and "rule 'ctr-floor', field 'params.ctr_flor'" in bad.content.decode()


def test_a_rule_is_previewed_over_the_api(world: World) -> None:
    campaign_days(world.shop, "搜索-龙井新茶", {1: 2.0, 2: 2.0, 3: 2.0})
    client = client_for(world.agency_lead)
    answer = client.post(
        f"/api/v1/signals/engagements/{world.engagement.pk}/preview",
        json.dumps({"rule": "roi-floor", "days": 90}),
        content_type="application/json",
    ).json()
    assert answer["count"] == 1
    assert answer["text_en"].startswith("it would have fired 1 times in the last 90 days")
