"""Every notifications endpoint is documented in the OpenAPI schema, with its error answers."""

from __future__ import annotations

from django.test import Client, override_settings


@override_settings(ROOT_URLCONF="tests.notifications.urls")
def test_schema_lists_the_endpoints_and_their_answers(db: None) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    answers = {
        (path, method): sorted(operation["responses"])
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    }
    base = "/api/v1/notifications"
    channels = f"{base}/engagements/{{engagement_id}}/channels"
    assert answers == {
        (f"{base}/", "get"): ["200"],
        (f"{base}/read-all", "post"): ["200"],
        (f"{base}/{{notification_id}}/read", "post"): ["200", "404"],
        (f"{base}/preferences", "get"): ["200"],
        (f"{base}/preferences", "patch"): ["200"],
        (channels, "get"): ["200", "404"],
        (channels, "post"): ["201", "403", "404", "422"],
        (f"{channels}/{{channel_id}}", "patch"): ["200", "403", "404", "422"],
        (f"{base}/engagements/{{engagement_id}}/deliveries", "get"): ["200", "403", "404"],
    }
