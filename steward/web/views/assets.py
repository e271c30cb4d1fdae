"""plotly.js served from the installed ``plotly`` package, so pages never reach a CDN."""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

import plotly
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseNotModified
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_safe

PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
ONE_YEAR = 365 * 24 * 3600


def plotly_version() -> str:
    return str(plotly.__version__)


@cache
def _gzipped() -> bytes:
    # Compressed once per process: 4.8 MB becomes about 1.4 MB on the wire.
    return gzip.compress(PLOTLY_JS.read_bytes(), compresslevel=6)


@require_safe
def plotly_js(request: HttpRequest) -> HttpResponseBase:
    etag = f'"plotly-{plotly_version()}"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified(headers={"ETag": etag})
    response: HttpResponseBase
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(_gzipped(), content_type="text/javascript; charset=utf-8")
        response["Content-Encoding"] = "gzip"
    else:
        response = FileResponse(PLOTLY_JS.open("rb"), content_type="text/javascript; charset=utf-8")
    response["ETag"] = etag
    response["Vary"] = "Accept-Encoding"
    response["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    return response
