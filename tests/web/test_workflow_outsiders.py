"""Every workflow page and every step, asked for by someone outside the engagement: 404.

海老板 (another merchant of the same agency), 青木老板 (a merchant with no engagement) and
美工小林 (an agency designer assigned only to 海边渔具) must not even learn that 山野茶舍's
engagement, duties, documents, requests or approvals exist.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from steward.engagements.models import AgencySelection, Candidate
from steward.engagements.services import add_version
from tests.conftest import World, client_for
from tests.web.engagement_story import Story, pdf, small_story

pytestmark = pytest.mark.django_db

Urls = Callable[[Story], str]

PAGES: list[tuple[str, Urls]] = [
    ("engagement", lambda s: f"/engagements/{s.engagement.pk}/"),
    ("deliverables", lambda s: f"/engagements/{s.engagement.pk}/deliverables/"),
    ("handover", lambda s: f"/engagements/{s.engagement.pk}/handover/"),
    ("requests", lambda s: f"/engagements/{s.engagement.pk}/requests/"),
    ("guardrails", lambda s: f"/engagements/{s.engagement.pk}/guardrails/"),
    ("guardrail check", lambda s: f"/engagements/{s.engagement.pk}/guardrails/?kind=spend&value=20000"),
    ("duty", lambda s: f"/duties/{s.late_duty.pk}/"),
    ("approval", lambda s: f"/approvals/{s.approval.pk}/"),
    ("version file", lambda s: f"/deliverables/{s.diagnosis.pk}/versions/1/file/"),
    ("evidence file", lambda s: f"/evidence/{s.handed_in.evidence.get(kind='file').pk}/file/"),
]

STEPS: list[tuple[str, Urls, dict[str, str]]] = [
    ("phase", lambda s: f"/engagements/{s.engagement.pk}/phase/", {"target": "termination"}),
    ("upload", lambda s: f"/deliverables/{s.diagnosis.pk}/versions/", {"note": "x"}),
    ("sign", lambda s: f"/deliverables/{s.diagnosis.pk}/versions/1/sign/", {"expected_hash": "x"}),
    (
        "reject",
        lambda s: f"/deliverables/{s.diagnosis.pk}/versions/1/reject/",
        {"expected_hash": "x", "reason": "x"},
    ),
    ("tick", lambda s: f"/checklist-items/{s.engagement.checklist.first().pk}/done/", {"note": ""}),  # type: ignore[union-attr]
    ("grant", lambda s: f"/engagements/{s.engagement.pk}/access/", {"system": "千牛", "account": "x"}),
    ("revoke", lambda s: f"/access/{s.engagement.access_grants.first().pk}/revoke/", {}),  # type: ignore[union-attr]
    ("raise", lambda s: f"/engagements/{s.engagement.pk}/requests/", {"tier": "routine", "title": "x"}),
    ("answer", lambda s: f"/requests/{s.request.pk}/answer/", {"text": "x"}),
    ("pause", lambda s: f"/requests/{s.request.pk}/pause/", {"reason": "x"}),
    ("resume", lambda s: f"/requests/{s.request.pk}/resume/", {}),
    ("resolve", lambda s: f"/requests/{s.request.pk}/resolve/", {}),
    ("hand in", lambda s: f"/duties/{s.late_duty.pk}/submit/", {}),
    ("accept", lambda s: f"/duties/{s.handed_in.pk}/accept/", {}),
    ("reject duty", lambda s: f"/duties/{s.handed_in.pk}/reject/", {"reason": "x"}),
    ("cancel", lambda s: f"/duties/{s.late_duty.pk}/cancel/", {"reason": "x"}),
    ("evidence", lambda s: f"/duties/{s.late_duty.pk}/evidence/", {"note": "x"}),
    (
        "request approval",
        lambda s: f"/engagements/{s.engagement.pk}/guardrails/request/",
        {"kind": "spend", "value": "20000", "reason": "x"},
    ),
    ("approve", lambda s: f"/approvals/{s.approval.pk}/approve/", {}),
    ("reject approval", lambda s: f"/approvals/{s.approval.pk}/reject/", {"reason": "x"}),
    ("ask", lambda s: f"/approvals/{s.approval.pk}/ask/", {"text": "x"}),
    ("answer question", lambda s: f"/approvals/{s.approval.pk}/answer/", {"text": "x"}),
    ("withdraw", lambda s: f"/approvals/{s.approval.pk}/withdraw/", {}),
]


@pytest.fixture
def story(world: World) -> Story:
    return small_story(world)


@pytest.mark.parametrize(("name", "url"), PAGES, ids=[name for name, _u in PAGES])
def test_outsiders_get_404_on_every_page(world: World, story: Story, name: str, url: Urls) -> None:
    for person in world.outsiders:
        response = client_for(person).get(url(story))
        assert response.status_code == 404, (name, person.username)
        assert "山野茶舍" not in response.content.decode()


@pytest.mark.parametrize(("name", "url", "data"), STEPS, ids=[name for name, _u, _d in STEPS])
def test_outsiders_get_404_on_every_step_and_nothing_changes(
    world: World, story: Story, name: str, url: Urls, data: dict[str, str]
) -> None:
    target = url(story)
    before = _fingerprint(story)
    for person in world.outsiders:
        response = client_for(person).post(target, data)
        assert response.status_code == 404, (name, person.username)
    assert _fingerprint(story) == before


def _fingerprint(story: Story) -> tuple[object, ...]:
    engagement = story.engagement
    engagement.refresh_from_db()
    return (
        engagement.phase,
        tuple(engagement.duties.values_list("state", flat=True)),
        engagement.deliverables.get(pk=story.diagnosis.pk).versions.count(),
        tuple(engagement.checklist.values_list("done_at", flat=True)),
        tuple(engagement.access_grants.values_list("revoked_at", flat=True)),
        tuple(engagement.requests.values_list("state", flat=True)),
        tuple(engagement.approval_requests.values_list("state", flat=True)),
    )


def test_insiders_of_both_sides_open_every_page(world: World, story: Story) -> None:
    for person in world.insiders:
        client = client_for(person)
        for name, url in PAGES:
            assert client.get(url(story)).status_code == 200, (name, person.username)


def test_a_file_of_someone_elses_document_is_not_served(world: World, story: Story) -> None:
    other = world.other_engagement.deliverables.create(kind="diagnosis", title="海边渔具诊断")
    other.signers.set([world.other_merchant_owner])
    add_version(other, world.agency_lead, upload=pdf("海边渔具诊断.pdf"))

    response = client_for(world.merchant_owner).get(f"/deliverables/{other.pk}/versions/1/file/")

    assert response.status_code == 404


def test_agency_people_never_see_a_merchants_selections(world: World) -> None:
    selection = AgencySelection.objects.create(merchant=world.merchant, title="2027 筛选")
    candidate = Candidate.objects.create(selection=selection, name="星火代运营")
    urls = [
        "/selections/",
        f"/selections/{selection.pk}/",
        f"/selections/{selection.pk}/candidates/{candidate.pk}/",
    ]
    for person in [world.agency_lead, world.ads_specialist, world.other_merchant_owner]:
        client = client_for(person)
        for url in urls[1:] if person == world.other_merchant_owner else urls:
            assert client.get(url).status_code == 404, (url, person.username)
        for url in [
            f"/selections/{selection.pk}/candidates/",
            f"/selections/{selection.pk}/choose/",
            f"/selections/{selection.pk}/candidates/{candidate.pk}/papers/",
        ]:
            assert client.post(url, {"name": "x"}).status_code == 404, (url, person.username)
    assert selection.candidates.count() == 1
