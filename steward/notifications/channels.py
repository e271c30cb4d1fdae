"""Group-bot message formats, their signatures, and the one HTTP POST that sends them.

Each vendor documents its own JSON and its own way of proving the sender holds the secret:

* WeCom (企业微信) group bot: ``{"msgtype": "markdown", "markdown": {"content": …}}``, at most
  4096 bytes of content; no signing (the key in the URL is the credential).
* DingTalk (钉钉) custom robot: ``{"msgtype": "markdown", "markdown": {"title": …, "text": …}}``;
  when signing is on, ``timestamp`` (ms) and ``sign`` go in the query string, where ``sign`` is
  the URL-encoded base64 of HMAC-SHA256 over ``"{timestamp}\\n{secret}"`` keyed by the secret.
* Feishu (飞书) custom bot: ``{"msg_type": "post", "content": {"post": {"zh_cn": …}}}``; when
  signing is on, ``timestamp`` (s) and ``sign`` go in the body, where ``sign`` is the base64 of
  HMAC-SHA256 over an empty message keyed by ``"{timestamp}\\n{secret}"``.

WeCom and DingTalk answer ``{"errcode": 0, …}`` on success, Feishu ``{"code": 0, …}`` (older bots
``{"StatusCode": 0, …}``); any other answer, even with HTTP 200, is a failure to retry.

Nothing here touches the database, so the formats are tested on plain data.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

WECOM = "wecom"
DINGTALK = "dingtalk"
FEISHU = "feishu"

SEVERITY_LABELS_ZH = {"info": "提示", "warning": "警告", "critical": "紧急"}
# WeCom markdown knows three colours: info (green), comment (grey), warning (orange-red).
WECOM_COLOURS = {"info": "info", "warning": "warning", "critical": "warning"}
WECOM_CONTENT_LIMIT = 4096  # bytes of UTF-8, as WeCom documents
DINGTALK_TEXT_LIMIT = 18000  # DingTalk rejects bodies over ~20 kB
FEISHU_TEXT_LIMIT = 18000  # Feishu rejects request bodies over 20 kB
LINK_TEXT = "查看详情"
RESPONSE_KEEP = 2000  # characters of a vendor's answer kept for the record


@dataclass(frozen=True)
class Message:
    """What to say, in the language of the group (Chinese)."""

    title: str
    body: str
    severity: str = "info"
    url: str = ""  # absolute; empty when there is nothing to open


@dataclass(frozen=True)
class Outgoing:
    """One request as it will be sent: the final URL (signed for DingTalk) and the JSON body."""

    url: str
    payload: dict[str, Any]

    def body_bytes(self) -> bytes:
        return json.dumps(self.payload, ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True)
class Response:
    status: int
    body: str


class DeliveryError(Exception):
    """The request did not get an answer (refused, timed out, not HTTP)."""


def clip_bytes(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` UTF-8 bytes without splitting a character."""
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    ellipsis = "…"
    cut = encoded[: limit - len(ellipsis.encode("utf-8"))]
    return cut.decode("utf-8", errors="ignore") + ellipsis


def _heading(message: Message) -> str:
    return f"【{SEVERITY_LABELS_ZH.get(message.severity, message.severity)}】{message.title}"


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """The ``sign`` value DingTalk expects, before URL-encoding."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode("utf-8"), to_sign, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """The ``sign`` value Feishu expects: the key is timestamp and secret, the message is empty."""
    key = f"{timestamp_s}\n{secret}".encode()
    digest = hmac.new(key, b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def wecom_payload(message: Message) -> dict[str, Any]:
    colour = WECOM_COLOURS.get(message.severity, "comment")
    label = SEVERITY_LABELS_ZH.get(message.severity, message.severity)
    head = f'<font color="{colour}">【{label}】</font>**{message.title}**'
    tail = f"\n[{LINK_TEXT}]({message.url})" if message.url else ""
    # The link must survive clipping: it is what people tap on.
    room = WECOM_CONTENT_LIMIT - len(head.encode("utf-8")) - len(tail.encode("utf-8")) - 1
    body = clip_bytes(message.body, max(room, 0)) if message.body else ""
    content = head + (f"\n{body}" if body else "") + tail
    return {"msgtype": "markdown", "markdown": {"content": content}}


def dingtalk_payload(message: Message) -> dict[str, Any]:
    # DingTalk markdown joins single newlines; a blank line between lines keeps them apart.
    lines = [line for line in message.body.splitlines() if line.strip()]
    parts = [f"#### {_heading(message)}", *lines]
    if message.url:
        parts.append(f"[{LINK_TEXT}]({message.url})")
    text = clip_bytes("\n\n".join(parts), DINGTALK_TEXT_LIMIT)
    return {"msgtype": "markdown", "markdown": {"title": _heading(message), "text": text}}


def feishu_payload(message: Message) -> dict[str, Any]:
    body = clip_bytes(message.body, FEISHU_TEXT_LIMIT)
    paragraphs: list[list[dict[str, str]]] = [
        [{"tag": "text", "text": line}] for line in body.splitlines() if line.strip()
    ]
    if message.url:
        paragraphs.append([{"tag": "a", "text": LINK_TEXT, "href": message.url}])
    return {
        "msg_type": "post",
        "content": {"post": {"zh_cn": {"title": _heading(message), "content": paragraphs}}},
    }


def build_request(kind: str, webhook_url: str, secret: str, message: Message, now: dt.datetime) -> Outgoing:
    """The request for one group bot; signed with ``now`` when the bot has a secret."""
    if kind == WECOM:
        return Outgoing(webhook_url, wecom_payload(message))
    if kind == DINGTALK:
        url = webhook_url
        if secret:
            timestamp_ms = int(now.timestamp() * 1000)
            query = urlencode({"timestamp": timestamp_ms, "sign": dingtalk_sign(secret, timestamp_ms)})
            url = f"{webhook_url}{'&' if urlsplit(webhook_url).query else '?'}{query}"
        return Outgoing(url, dingtalk_payload(message))
    if kind == FEISHU:
        payload = feishu_payload(message)
        if secret:
            timestamp_s = int(now.timestamp())
            payload = {"timestamp": str(timestamp_s), "sign": feishu_sign(secret, timestamp_s), **payload}
        return Outgoing(webhook_url, payload)
    raise ValueError(f"unknown group bot kind: {kind!r}")


def post_json(outgoing: Outgoing, timeout: float) -> Response:
    """POST the JSON body; any HTTP answer is returned, no answer at all raises DeliveryError."""
    if urlsplit(outgoing.url).scheme not in {"http", "https"}:
        raise DeliveryError(f"not an http(s) URL: {outgoing.url!r}")
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked just above
        outgoing.url,
        data=outgoing.body_bytes(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 - checked above
            return Response(answer.status, answer.read(64 * 1024).decode("utf-8", errors="replace"))
    except urllib.error.HTTPError as exc:
        body = exc.read(64 * 1024).decode("utf-8", errors="replace") if exc.fp else ""
        return Response(exc.code, body)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryError(f"no answer from {urlsplit(outgoing.url).netloc}: {reason}") from exc


def vendor_error(kind: str, response: Response) -> str | None:
    """Why the vendor did not accept the message, or None when it did."""
    if not 200 <= response.status < 300:
        return f"HTTP {response.status}: {response.body[:RESPONSE_KEEP]}"
    try:
        answer = json.loads(response.body)
    except ValueError:
        return f"not a JSON answer: {response.body[:RESPONSE_KEEP]}"
    if not isinstance(answer, dict):
        return f"unexpected answer: {response.body[:RESPONSE_KEEP]}"
    if kind == FEISHU:
        code = answer.get("code", answer.get("StatusCode"))
        message = answer.get("msg", answer.get("StatusMessage", ""))
    else:
        code = answer.get("errcode")
        message = answer.get("errmsg", "")
    if code == 0:
        return None
    return f"{kind} refused the message: code {code} {message}".strip()
