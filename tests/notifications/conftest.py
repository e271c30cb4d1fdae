"""A local group-bot server that records what it receives, and the queue running inline.

The server stands in for WeCom, DingTalk and Feishu on 127.0.0.1 (a free port); each test can
script its answers (HTTP 500, a non-zero ``errcode``, …). Nothing leaves the machine.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.mail.backends.base import BaseEmailBackend

WECOM_OK = {"errcode": 0, "errmsg": "ok"}
FEISHU_OK = {"code": 0, "msg": "success", "data": {}}


@dataclass(frozen=True)
class Received:
    path: str  # the path without the query
    query: dict[str, str]
    raw_query: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class HookServer:
    """Records each POST; answers from a script, then with ``default`` once the script runs out."""

    port: int = 0
    received: list[Received] = field(default_factory=list)
    script: deque[tuple[int, Any]] = field(default_factory=deque)
    default: tuple[int, Any] = (200, WECOM_OK)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def answer(self, status: int, body: Any) -> None:
        self.script.append((status, body))

    def next_answer(self) -> tuple[int, Any]:
        return self.script.popleft() if self.script else self.default


def _handler_for(server: HookServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length)
            parts = urlsplit(self.path)
            server.received.append(
                Received(
                    path=parts.path,
                    query={k: v[0] for k, v in parse_qs(parts.query).items()},
                    raw_query=parts.query,
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=json.loads(raw.decode("utf-8")),
                )
            )
            status, body = server.next_answer()
            data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            return

    return Handler


@pytest.fixture
def hooks() -> Iterator[HookServer]:
    state = HookServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(state))
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture(autouse=True)
def _queue_runs_inline() -> Iterator[None]:
    """Queued tasks run at once, in the test's thread (Huey's immediate mode, in-memory storage)."""
    from huey.contrib.djhuey import HUEY

    was = HUEY.immediate
    HUEY.immediate = True
    try:
        yield
    finally:
        HUEY.immediate = was


@pytest.fixture(autouse=True)
def _local_webhooks(settings: Any) -> None:
    """Group bots point at the local server here; production only allows the vendors' hosts."""
    settings.NOTIFICATION_WEBHOOK_ANY_HOST = True
    settings.SITE_URL = "https://steward.example.com"


class RefusingEmailBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError("mail server refused the connection")
