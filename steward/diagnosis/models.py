"""Peer benchmarks per platform and category, edited by the admin.

Rates are Decimal fractions (0.0350 is 3.5%) and order value is integer fen, like the metric
tables, so "ours 2.0% vs category 3.5%" compares exactly. An empty category is the platform's
default, used when a shop's own category has no row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from steward.diagnosis.compute import Benchmark as BenchmarkValues
from steward.shops.models import Platform, Shop

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


def _rate(verbose: StrOrPromise) -> models.DecimalField:
    return models.DecimalField(verbose, max_digits=7, decimal_places=4, null=True, blank=True)


class Benchmark(models.Model):
    platform = models.CharField(_("平台"), max_length=16, choices=Platform.choices)
    category = models.CharField(_("类目"), max_length=100, blank=True, help_text=_("留空表示该平台的默认值"))
    conversion = _rate(_("支付转化率"))
    aov_fen = models.BigIntegerField(_("客单价（分）"), null=True, blank=True)
    refund_rate = _rate(_("退款率"))
    roi = models.DecimalField(_("推广投入产出比"), max_digits=7, decimal_places=2, null=True, blank=True)
    organic_share = _rate(_("自然流量占比"))
    repeat_rate = _rate(_("复购买家占比"))
    first_response_s = models.DecimalField(
        _("首次响应时长（秒）"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    bad_review_rate = _rate(_("差评率"))
    source = models.CharField(_("数据来源"), max_length=200, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["platform", "category"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["platform", "category"], name="benchmark_unique_platform_category"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} · {self.category or _('平台默认')}"

    @classmethod
    def for_shop(cls, shop: Shop) -> Benchmark | None:
        """The shop's category row, or the platform's default when the category has none."""
        rows = {
            b.category: b
            for b in cls.objects.filter(platform=shop.platform, category__in=[shop.category, ""])
        }
        return rows.get(shop.category) or rows.get("")

    def values(self) -> BenchmarkValues:
        return BenchmarkValues(
            label=f"{self.get_platform_display()} · {self.category or _('平台默认')}",
            conversion=self.conversion,
            aov_fen=self.aov_fen,
            refund_rate=self.refund_rate,
            roi=self.roi,
            organic_share=self.organic_share,
            first_response_s=self.first_response_s,
            repeat_rate=self.repeat_rate,
            bad_review_rate=self.bad_review_rate,
        )
