"""Evaluation after an import, on the background queue: one task per affected shop."""

from __future__ import annotations

from collections.abc import Iterable

from huey.contrib.djhuey import db_task

from steward.shops.models import Shop


@db_task()
def evaluate_shop_task(shop_id: int) -> int:
    from steward.signals.services import evaluate_shop

    shop = Shop.objects.filter(pk=shop_id).first()
    if shop is None:
        return 0  # deleted since the import
    return len(evaluate_shop(shop).fired)


def queue_evaluation(shop_ids: Iterable[int]) -> None:
    """Queue one evaluation per shop (the importer calls this after a batch is committed)."""
    for shop_id in sorted(set(shop_ids)):
        evaluate_shop_task(shop_id)
