"""Shops, their products and the daily numbers imported from the platforms' exports.

Money in the metric tables is integer fen (analytics sums millions of rows and thresholds
must compare exactly); prices and costs of products are Decimal yuan. Rates that a file
states are kept in parts per million (3.52% -> 35200) so they stay exact integers too.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from steward.accounts.models import Organisation, Person

if TYPE_CHECKING:
    from django.db.models.query import QuerySet


class Platform(models.TextChoices):
    TAOBAO = "taobao", _("淘宝")
    TMALL = "tmall", _("天猫")
    JD = "jd", _("京东")
    PDD = "pdd", _("拼多多")
    DOUYIN = "douyin", _("抖音")
    OTHER = "other", _("其他")


class ShopQuerySet(models.QuerySet["Shop"]):
    def visible_to(self, person: Person) -> QuerySet[Shop]:
        from steward.accounts.access import visible_shop_ids

        return self.filter(pk__in=visible_shop_ids(person))


class Shop(models.Model):
    code = models.SlugField(_("店铺代码"), max_length=64, unique=True)
    name = models.CharField(_("店铺名称"), max_length=200)
    platform = models.CharField(_("平台"), max_length=16, choices=Platform.choices)
    category = models.CharField(_("类目"), max_length=100, blank=True)
    level = models.CharField(_("店铺等级"), max_length=50, blank=True)
    opened_on = models.DateField(_("开店日期"), null=True, blank=True)
    merchant = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="shops",
        limit_choices_to={"kind": "merchant"},
        verbose_name=_("所属商家"),
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ShopQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.merchant_id is not None and not self.merchant.is_merchant:
            raise ValidationError({"merchant": _("店铺只能属于商家")})


class SkuRole(models.TextChoices):
    HERO = "hero", _("引流款")  # brings traffic; watched for stock and daily orders
    TRAFFIC = "traffic", _("流量款")  # secondary traffic product
    PROFIT = "profit", _("利润款")  # carries the margin
    LONG_TAIL = "long_tail", _("长尾款")  # the rest of the catalogue


class Sku(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="skus")
    code = models.CharField(_("商品编码"), max_length=64)
    name = models.CharField(_("商品名称"), max_length=300, blank=True)
    price = models.DecimalField(_("售价"), max_digits=12, decimal_places=2, null=True, blank=True)
    cost = models.DecimalField(_("成本"), max_digits=12, decimal_places=2, null=True, blank=True)
    role = models.CharField(_("商品角色"), max_length=16, choices=SkuRole.choices, default=SkuRole.LONG_TAIL)
    substitute = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("替代商品")
    )

    class Meta:
        ordering: ClassVar = ["shop", "code"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["shop", "code"], name="sku_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()

    def clean(self) -> None:
        if self.substitute_id is not None:
            if self.substitute_id == self.pk:
                raise ValidationError({"substitute": _("替代商品不能是它自己")})
            if self.substitute is not None and self.substitute.shop_id != self.shop_id:
                raise ValidationError({"substitute": _("替代商品必须在同一店铺")})

    @property
    def margin(self) -> Decimal | None:
        if self.price is None or self.cost is None:
            return None
        return self.price - self.cost


class Campaign(models.Model):
    """An ad campaign (推广计划); its name is unique within a shop."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="campaigns")
    name = models.CharField(_("计划名称"), max_length=200)

    class Meta:
        ordering: ClassVar = ["shop", "name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["shop", "name"], name="campaign_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class ShopDaily(models.Model):
    # The natural-key index starts with shop_id, so a separate index on it would only slow imports.
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="daily", db_index=False)
    date = models.DateField()
    visitors = models.IntegerField(null=True)
    page_views = models.IntegerField(null=True)
    paid_buyers = models.IntegerField(null=True)
    paid_orders = models.IntegerField(null=True)
    gmv_fen = models.BigIntegerField(null=True)
    refunds_fen = models.BigIntegerField(null=True)
    conversion_ppm = models.IntegerField(null=True)
    aov_fen = models.BigIntegerField(null=True)
    organic_visitors = models.IntegerField(null=True)
    paid_visitors = models.IntegerField(null=True)
    repeat_buyers = models.IntegerField(null=True)
    first_response_ms = models.IntegerField(null=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["shop", "date"], name="shopdaily_natural_key")
        ]


class CampaignDaily(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="campaign_daily", db_index=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="daily")
    date = models.DateField()
    spend_fen = models.BigIntegerField(null=True)
    impressions = models.BigIntegerField(null=True)
    clicks = models.BigIntegerField(null=True)
    revenue_fen = models.BigIntegerField(null=True)
    orders = models.IntegerField(null=True)
    ctr_ppm = models.IntegerField(null=True)
    # ROI in ten-thousandths (3.25 -> 32500); null when spend is zero.
    roi_e4 = models.BigIntegerField(null=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["shop", "campaign", "date"], name="campaigndaily_natural_key")
        ]


class SkuDaily(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="sku_daily", db_index=False)
    sku = models.ForeignKey(Sku, on_delete=models.CASCADE, related_name="daily")
    date = models.DateField()
    visitors = models.IntegerField(null=True)
    units = models.IntegerField(null=True)
    paid_orders = models.IntegerField(null=True)
    gmv_fen = models.BigIntegerField(null=True)
    stock = models.IntegerField(null=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["shop", "sku", "date"], name="skudaily_natural_key")
        ]


class Review(models.Model):
    """A buyer review. Re-importing a day replaces that day's reviews of the shop."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="reviews")
    sku = models.ForeignKey(Sku, on_delete=models.SET_NULL, null=True, related_name="reviews")
    date = models.DateField(db_index=True)
    reviewed_at = models.DateTimeField(null=True)
    rating = models.CharField(max_length=20)
    # 1-5 stars; 好评 = 5, 中评 = 3, 差评 = 1.
    stars = models.SmallIntegerField()
    is_bad = models.BooleanField()
    content = models.TextField(blank=True)


class Order(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="orders")
    order_id = models.CharField(max_length=64)
    buyer = models.CharField(max_length=100)
    paid_at = models.DateTimeField(null=True)
    amount_fen = models.BigIntegerField()
    status = models.CharField(max_length=40)
    # Closed and refunded orders are not purchases (FORMATS.md).
    is_purchase = models.BooleanField()
    sku_code = models.CharField(max_length=64, blank=True)
    quantity = models.IntegerField(null=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["shop", "order_id"], name="order_natural_key")
        ]
        indexes: ClassVar = [models.Index(fields=["shop", "buyer"])]


class ImportKind(models.TextChoices):
    SHOP_DAILY = "shop-daily", _("店铺日报")
    CAMPAIGNS = "campaigns", _("推广报表")
    SKUS = "skus", _("商品日报")
    REVIEWS = "reviews", _("评价")
    ORDERS = "orders", _("订单")
    PRODUCTS = "products", _("商品清单")


class ImportBatch(models.Model):
    """One accepted import of one file: what came in, by whom, and what it changed."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="imports")
    kind = models.CharField(max_length=16, choices=ImportKind.choices)
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    actor = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    rows = models.IntegerField(default=0)
    inserted = models.IntegerField(default=0)
    replaced = models.IntegerField(default=0)
    date_from = models.DateField(null=True)
    date_to = models.DateField(null=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]
