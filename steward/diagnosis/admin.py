"""The admin edits the peer benchmarks; the demo's plausible values are only a starting point."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone

from steward.diagnosis.models import Benchmark


@admin.register(Benchmark)
class BenchmarkAdmin(admin.ModelAdmin[Benchmark]):
    list_display = (
        "platform",
        "category",
        "conversion",
        "aov_fen",
        "refund_rate",
        "roi",
        "bad_review_rate",
        "updated_at",
    )
    list_filter = ("platform",)
    search_fields = ("category",)
    readonly_fields = ("updated_at",)

    def save_model(self, request: HttpRequest, obj: Benchmark, form: Any, change: bool) -> None:
        # The diagnosis says which values it compared against; the date tells how fresh they are.
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)
