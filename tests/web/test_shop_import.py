"""Uploading a platform export on a shop's import page."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.html import escape

from steward.accounts.models import Person
from steward.shops.importing import ImportRejected, run_import
from steward.shops.models import ImportBatch, ShopDaily
from tests.conftest import World, client_for

pytestmark = pytest.mark.django_db

GOOD_CSV = (
    "日期,访客数,浏览量,支付买家数,支付子订单数,支付金额,成功退款金额\n"
    "2026-10-01,1200,3600,36,40,3186.00,0\n"
    "2026-10-02,1350,4100,41,45,3628.50,88.50\n"
).encode()

# Row 3 has a date that does not exist and row 4 a visitor count that is not a number.
CORRUPTED_CSV = (
    "日期,访客数,浏览量,支付买家数,支付子订单数,支付金额,成功退款金额\n"
    "2026-10-01,1200,3600,36,40,3186.00,0\n"
    "2026-13-45,1350,4100,41,45,3628.50,88.50\n"
    "2026-10-03,很多,4100,41,45,3628.50,88.50\n"
).encode()


def import_url(world: World) -> str:
    return f"/shops/{world.shop.pk}/import/"


def upload(content: bytes, name: str = "店铺日报.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def post_file(client: Client, world: World, content: bytes, *, dry_run: bool = False) -> Any:
    data: dict[str, object] = {"kind": "shop-daily", "file": upload(content)}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(import_url(world), data)


@pytest.mark.parametrize(
    "who", ["merchant_owner", "merchant_staff", "agency_lead", "agency_supervisor", "ads_specialist"]
)
def test_insiders_see_the_upload_form(world: World, who: str) -> None:
    response = client_for(getattr(world, who)).get(import_url(world))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'enctype="multipart/form-data"' in page
    for label in ["店铺日报", "推广报表", "商品日报", "评价", "订单", "商品清单"]:
        assert label in page
    assert "试导入" in page


def test_outsiders_get_404_for_the_page_and_for_posting(world: World) -> None:
    for person in world.outsiders:
        client = client_for(person)
        assert client.get(import_url(world)).status_code == 404, person.username
        response = post_file(client, world, GOOD_CSV)
        assert response.status_code == 404, person.username
    assert ShopDaily.objects.count() == 0
    assert ImportBatch.objects.count() == 0


def test_people_who_see_the_shop_but_may_not_import_get_403(world: World, service_specialist: Person) -> None:
    client = client_for(service_specialist)

    response = client.get(import_url(world))
    assert response.status_code == 403
    assert "可以导入数据" in response.content.decode()
    assert post_file(client, world, GOOD_CSV).status_code == 403
    assert ShopDaily.objects.count() == 0


def test_corrupted_file_lists_each_problem_in_chinese_and_writes_nothing(world: World) -> None:
    with pytest.raises(ImportRejected) as expected:
        run_import(
            shop=world.shop,
            kind="shop-daily",
            data=CORRUPTED_CSV,
            filename="店铺日报.csv",
            actor=world.merchant_owner,
            dry_run=True,
        )

    response = post_file(client_for(world.merchant_owner), world, CORRUPTED_CSV)

    assert response.status_code == 422
    page = response.content.decode()
    assert "文件未导入：没有写入任何数据" in page
    # Rows as Excel shows them: the header is row 1.
    assert {3, 4} <= {problem.row for problem in expected.value.problems}
    for problem in expected.value.problems:
        assert escape(problem.reason_zh) in page
        assert f'<td class="num">{problem.row}</td>' in page
    assert ShopDaily.objects.count() == 0
    assert ImportBatch.objects.count() == 0


def test_corrupted_file_in_english(world: World) -> None:
    client = client_for(world.merchant_owner)
    client.cookies["django_language"] = "en"

    response = post_file(client, world, CORRUPTED_CSV)

    page = response.content.decode()
    assert "nothing was written" in page
    assert "文件未导入" not in page


def test_dry_run_reports_without_writing(world: World) -> None:
    response = post_file(client_for(world.merchant_owner), world, GOOD_CSV, dry_run=True)

    assert response.status_code == 200
    page = response.content.decode()
    assert "试导入通过" in page
    assert ShopDaily.objects.count() == 0
    assert ImportBatch.objects.count() == 0


def test_good_file_is_imported_summarised_and_listed(world: World) -> None:
    client = client_for(world.ads_specialist)

    response = post_file(client, world, GOOD_CSV)

    assert response.status_code == 302
    assert response["Location"] == import_url(world)
    assert ShopDaily.objects.filter(shop=world.shop).count() == 2
    batch = ImportBatch.objects.get()
    page = client.get(import_url(world)).content.decode()
    assert "店铺日报.csv" in page
    assert "推广小周" in page
    assert batch.date_from is not None and batch.date_from.isoformat() in page
    # The importer's own summary is shown once, as a message after the redirect.
    assert "已导入店铺日报：共 2 行，新增 2 行" in page
    assert "已导入店铺日报" not in client.get(import_url(world)).content.decode()


def test_missing_file_is_a_form_error(world: World) -> None:
    response = client_for(world.merchant_owner).post(import_url(world), {"kind": "shop-daily"})

    assert response.status_code == 400
    assert "这个字段是必填项" in response.content.decode()


def test_unknown_kind_is_refused(world: World) -> None:
    response = client_for(world.merchant_owner).post(
        import_url(world), {"kind": "salaries", "file": upload(GOOD_CSV)}
    )

    assert response.status_code == 400
    assert ShopDaily.objects.count() == 0


def test_import_menu_lists_the_shops_one_may_import_into(world: World) -> None:
    page = client_for(world.agency_lead).get("/import/").content.decode()

    assert f'href="/shops/{world.shop.pk}/import/"' in page
    assert f'href="/shops/{world.other_shop.pk}/import/"' in page
    assert f'href="/shops/{world.lonely_shop.pk}/import/"' not in page


def test_import_menu_goes_straight_to_the_only_shop(world: World) -> None:
    response = client_for(world.merchant_owner).get("/import/")

    assert response.status_code == 302
    assert response["Location"] == import_url(world)


def test_import_menu_without_shops_explains_why(world: World, service_specialist: Person) -> None:
    page = client_for(service_specialist).get("/import/").content.decode()

    assert "没有你可以导入数据的店铺" in page
