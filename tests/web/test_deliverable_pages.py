"""交付物: the merchant signs exactly the version on screen; a rejection needs a reason."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from steward.engagements.models import Signature, SignatureDecision, VersionStatus
from steward.engagements.services import add_version
from tests.conftest import World, client_for
from tests.web.engagement_story import Story, pdf, small_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(world: World) -> Story:
    return small_story(world)


def url(story: Story, tail: str = "") -> str:
    return f"/deliverables/{story.diagnosis.pk}/versions/{tail}"


def test_the_tab_shows_latest_version_status_and_signers(world: World, story: Story) -> None:
    page = (
        client_for(world.merchant_owner)
        .get(f"/engagements/{story.engagement.pk}/deliverables/")
        .content.decode()
    )

    assert "店铺诊断报告" in page
    assert "店铺诊断报告-v1.pdf" in page
    assert "待签字" in page
    assert "王老板" in page and "陈总监" in page
    assert "签字确认第 1 版" in page  # the owner is a named signer


def test_people_who_are_not_signers_get_no_sign_button(world: World, story: Story) -> None:
    page = (
        client_for(world.merchant_staff)
        .get(f"/engagements/{story.engagement.pk}/deliverables/")
        .content.decode()
    )

    assert "签字确认第 1 版" not in page
    assert "上传新版本" in page


def test_signing_records_person_ip_and_hash(world: World, story: Story) -> None:
    version = story.diagnosis.latest_version()
    assert version is not None

    response = client_for(world.merchant_owner).post(
        url(story, "1/sign/"), {"expected_hash": version.content_hash}, REMOTE_ADDR="203.0.113.7"
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"#deliverable-{story.diagnosis.pk}")
    signature = Signature.objects.get(version=version, person=world.merchant_owner)
    assert signature.decision == SignatureDecision.SIGNED
    assert signature.ip == "203.0.113.7"
    assert signature.signed_hash == version.content_hash


def test_both_signatures_make_the_version_signed(world: World, story: Story) -> None:
    version = story.diagnosis.latest_version()
    assert version is not None
    for person in (world.merchant_owner, world.agency_lead):
        client_for(person).post(url(story, "1/sign/"), {"expected_hash": version.content_hash})

    version.refresh_from_db()
    assert version.status == VersionStatus.SIGNED
    page = (
        client_for(world.merchant_owner)
        .get(f"/engagements/{story.engagement.pk}/deliverables/")
        .content.decode()
    )
    assert page.count("✓ 已签字") == 2


def test_a_rejection_without_reason_is_refused_next_to_the_field(world: World, story: Story) -> None:
    version = story.diagnosis.latest_version()
    assert version is not None

    response = client_for(world.merchant_owner).post(
        url(story, "1/reject/"), {"expected_hash": version.content_hash, "reason": "  "}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "field-invalid" in page
    assert "这个字段是必填项" in page or "必填" in page
    assert not Signature.objects.filter(version=version).exists()


def test_a_rejection_with_reason_sends_it_back(world: World, story: Story) -> None:
    version = story.diagnosis.latest_version()
    assert version is not None
    client = client_for(world.merchant_owner)

    client.post(
        url(story, "1/reject/"), {"expected_hash": version.content_hash, "reason": "缺少差评关键词分析"}
    )

    version.refresh_from_db()
    assert version.status == VersionStatus.REJECTED
    page = client.get(f"/engagements/{story.engagement.pk}/deliverables/").content.decode()
    assert "缺少差评关键词分析" in page
    assert "被拒签" in page


def test_a_version_replaced_meanwhile_is_not_signed(world: World, story: Story) -> None:
    old = story.diagnosis.latest_version()
    assert old is not None
    add_version(story.diagnosis, world.agency_lead, upload=pdf("店铺诊断报告-v2.pdf", "第二版"))

    # The owner still has version 1 on screen and signs it.
    response = client_for(world.merchant_owner).post(
        url(story, "1/sign/"), {"expected_hash": old.content_hash}
    )

    assert response.status_code == 409
    assert "第 1 版当前为“已被新版本取代”，无需再签。" in response.content.decode()
    assert not Signature.objects.filter(person=world.merchant_owner).exists()


def test_a_changed_document_is_not_signed(world: World, story: Story) -> None:
    response = client_for(world.merchant_owner).post(url(story, "1/sign/"), {"expected_hash": "0" * 64})

    assert response.status_code == 409
    assert "文件在你打开后已有新版本" in response.content.decode()


def test_uploading_a_new_version_asks_for_new_signatures(world: World, story: Story) -> None:
    client = client_for(world.agency_lead)

    response = client.post(url(story), {"file": pdf("店铺诊断报告-v2.pdf", "第二版"), "note": "补充差评分析"})

    assert response.status_code == 302
    assert story.diagnosis.versions.count() == 2
    page = client.get(f"/engagements/{story.engagement.pk}/deliverables/").content.decode()
    assert "第 2 版" in page and "补充差评分析" in page
    assert "历史版本 1 个" in page


def test_an_empty_file_is_refused(world: World, story: Story) -> None:
    response = client_for(world.agency_lead).post(
        url(story), {"file": SimpleUploadedFile("空.pdf", b"", content_type="application/pdf")}
    )

    assert response.status_code == 400
    assert story.diagnosis.versions.count() == 1


def test_the_signed_file_is_served_to_the_parties(world: World, story: Story) -> None:
    response = client_for(world.merchant_staff).get(url(story, "1/file/"))

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    assert "attachment" in response["Content-Disposition"]
