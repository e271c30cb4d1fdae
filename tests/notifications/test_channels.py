"""The vendors' message formats and signatures, on plain data (no database, no network)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from urllib.parse import parse_qs, quote_plus, urlsplit

from steward.notifications.channels import (
    WECOM_CONTENT_LIMIT,
    Message,
    Response,
    build_request,
    clip_bytes,
    dingtalk_sign,
    feishu_sign,
    vendor_error,
)

NOW = dt.datetime(2026, 10, 12, 1, 30, tzinfo=dt.UTC)  # 09:30 in Shanghai
OVERDUE = Message(
    title="事项已逾期：确认交接清单",
    body="山野茶舍 × 云帆\n截止 2026-10-09，已逾期 3 天",
    severity="critical",
    url="https://steward.example.com/duties/7",
)


def test_wecom_is_a_markdown_message_with_colour_title_and_link() -> None:
    outgoing = build_request(
        "wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1", "", OVERDUE, NOW
    )
    assert outgoing.url == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1"
    assert outgoing.payload == {
        "msgtype": "markdown",
        "markdown": {
            "content": '<font color="warning">【紧急】</font>**事项已逾期：确认交接清单**\n'
            "山野茶舍 × 云帆\n截止 2026-10-09，已逾期 3 天\n"
            "[查看详情](https://steward.example.com/duties/7)"
        },
    }


def test_wecom_content_stays_within_4096_bytes_and_keeps_the_link() -> None:
    long = Message(
        title="周报", body="销售额下降。" * 2000, severity="info", url="https://steward.example.com/r/1"
    )
    content = build_request("wecom", "https://x", "", long, NOW).payload["markdown"]["content"]
    assert len(content.encode("utf-8")) <= WECOM_CONTENT_LIMIT
    assert content.endswith("[查看详情](https://steward.example.com/r/1)")
    assert "…" in content


def test_dingtalk_markdown_without_a_secret_is_not_signed() -> None:
    outgoing = build_request(
        "dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=t", "", OVERDUE, NOW
    )
    assert outgoing.url == "https://oapi.dingtalk.com/robot/send?access_token=t"
    assert outgoing.payload == {
        "msgtype": "markdown",
        "markdown": {
            "title": "【紧急】事项已逾期：确认交接清单",
            "text": "#### 【紧急】事项已逾期：确认交接清单\n\n山野茶舍 × 云帆\n\n截止 2026-10-09，已逾期 3 天\n\n"
            "[查看详情](https://steward.example.com/duties/7)",
        },
    }


def test_dingtalk_signature_goes_in_the_query_as_documented() -> None:
    secret = "SECb1f2e3d4"
    outgoing = build_request(
        "dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=t", secret, OVERDUE, NOW
    )
    timestamp = str(int(NOW.timestamp() * 1000))
    # The vendor's recipe: HMAC-SHA256 keyed by the secret over "timestamp\nsecret", base64, URL-encoded.
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert outgoing.url == (
        f"https://oapi.dingtalk.com/robot/send?access_token=t&timestamp={timestamp}&sign={quote_plus(expected)}"
    )
    assert parse_qs(urlsplit(outgoing.url).query)["sign"] == [expected]
    assert dingtalk_sign(secret, int(timestamp)) == expected


def test_feishu_post_message_signed_in_the_body() -> None:
    secret = "fs-secret-42"
    outgoing = build_request(
        "feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/h1", secret, OVERDUE, NOW
    )
    timestamp = str(int(NOW.timestamp()))
    # The vendor's recipe: HMAC-SHA256 keyed by "timestamp\nsecret" over an empty message, base64.
    expected = base64.b64encode(
        hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    ).decode()
    assert outgoing.url == "https://open.feishu.cn/open-apis/bot/v2/hook/h1"
    assert outgoing.payload == {
        "timestamp": timestamp,
        "sign": expected,
        "msg_type": "post",
        "content": {
            "post": {
                "zh_cn": {
                    "title": "【紧急】事项已逾期：确认交接清单",
                    "content": [
                        [{"tag": "text", "text": "山野茶舍 × 云帆"}],
                        [{"tag": "text", "text": "截止 2026-10-09，已逾期 3 天"}],
                        [{"tag": "a", "text": "查看详情", "href": "https://steward.example.com/duties/7"}],
                    ],
                }
            }
        },
    }
    assert feishu_sign(secret, int(timestamp)) == expected


def test_chinese_is_sent_as_utf8_not_escaped() -> None:
    outgoing = build_request("wecom", "https://x", "", OVERDUE, NOW)
    assert "事项已逾期".encode() in outgoing.body_bytes()


def test_vendor_answers_decide_success() -> None:
    assert vendor_error("wecom", Response(200, '{"errcode":0,"errmsg":"ok"}')) is None
    assert vendor_error("dingtalk", Response(200, '{"errcode":0,"errmsg":"ok"}')) is None
    assert vendor_error("feishu", Response(200, '{"code":0,"msg":"success","data":{}}')) is None
    assert vendor_error("feishu", Response(200, '{"StatusCode":0,"StatusMessage":"success"}')) is None
    assert "310000" in str(
        vendor_error("dingtalk", Response(200, '{"errcode":310000,"errmsg":"sign not match"}'))
    )
    assert "19021" in str(vendor_error("feishu", Response(200, '{"code":19021,"msg":"sign match fail"}')))
    assert "93000" in str(
        vendor_error("wecom", Response(200, '{"errcode":93000,"errmsg":"invalid webhook url"}'))
    )
    assert str(vendor_error("wecom", Response(502, "bad gateway"))).startswith("HTTP 502")
    assert str(vendor_error("wecom", Response(200, "<html>"))).startswith("not a JSON answer")


def test_clipping_never_splits_a_character() -> None:
    assert clip_bytes("短", 10) == "短"
    clipped = clip_bytes("店铺托管" * 10, 10)
    assert len(clipped.encode("utf-8")) <= 10
    assert clipped.endswith("…")
