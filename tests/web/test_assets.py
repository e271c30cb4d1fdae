"""plotly.js comes from the installed package, never from a CDN."""

from __future__ import annotations

import gzip

import plotly
from django.test import Client


def test_plotly_is_served_from_the_package(client: Client) -> None:
    response = client.get("/assets/plotly.min.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert b"plotly.js" in body[:2000]
    assert "immutable" in response["Cache-Control"]


def test_plotly_is_compressed_for_browsers_that_accept_it(client: Client) -> None:
    response = client.get("/assets/plotly.min.js", headers={"accept-encoding": "gzip, deflate, br"})

    assert response["Content-Encoding"] == "gzip"
    assert b"plotly.js" in gzip.decompress(response.content)[:2000]


def test_plotly_is_not_sent_twice(client: Client) -> None:
    etag = f'"plotly-{plotly.__version__}"'

    response = client.get("/assets/plotly.min.js", headers={"if-none-match": etag})

    assert response.status_code == 304
