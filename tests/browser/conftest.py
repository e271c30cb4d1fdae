"""Headless Chromium (Debian's, never a downloaded one) driven by Playwright against live_server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, sync_playwright

# Playwright's sync API keeps an asyncio loop running in this thread, and Django refuses ORM
# calls from a thread with a running loop unless told it is safe. The tests are sequential.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is not installed (apt-get install chromium); browser tests cannot run"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()


@dataclass
class Watch:
    """What went wrong in the browser while a test ran: console errors and bad requests."""

    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.console_errors == [], self.console_errors
        assert self.failed_requests == [], self.failed_requests
        assert self.outside_requests == [], self.outside_requests


@pytest.fixture
def page_and_watch(chromium: Browser) -> Iterator[tuple[Page, Watch]]:
    context = chromium.new_context(viewport=LAPTOP, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    watch = Watch()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            watch.console_errors.append(message.text)

    def on_request(request: Request) -> None:
        url = urlsplit(request.url)
        if url.scheme in {"http", "https", "ws", "wss"} and url.hostname not in LOCAL_HOSTS:
            watch.outside_requests.append(request.url)

    def on_failed(request: Request) -> None:
        # Chromium cancels the favicon when a test navigates on before it arrives: not a fault.
        if request.url.endswith("favicon.svg") and request.failure == "net::ERR_ABORTED":
            return
        watch.failed_requests.append(f"{request.url}: {request.failure}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: watch.console_errors.append(str(error)))
    page.on("request", on_request)
    page.on("requestfailed", on_failed)
    try:
        yield page, watch
    finally:
        context.close()


def screenshot(page: Page, name: str, *, full_page: bool = False) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
