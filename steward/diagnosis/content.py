"""A diagnosis as JSON-able content: what the API returns and what a deliverable version stores.

Money stays integer fen and rates are Decimal strings, so the stored content reads back to the
exact figures the page showed when it was signed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from steward.diagnosis.compute import Diagnosis, PeerRow, peer_text

CONTENT_VERSION = 1


# Six places keep a rate exact to a ten-thousandth of a percent and an amount in fen to a
# millionth of a fen; the 28 digits of a raw division would only be noise in stored content.
PLACES = Decimal("0.000001")


def decimal_text(value: Decimal) -> str:
    text = format(value.quantize(PLACES), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def jsonable(value: Any) -> Any:
    if isinstance(value, PeerRow):
        return {
            **{f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)},
            "text": peer_text(value),
        }
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if hasattr(value, "parts"):
            out["parts"] = jsonable(value.parts)
        return out
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def as_content(diagnosis: Diagnosis) -> dict[str, Any]:
    return {"kind": "diagnosis", "version": CONTENT_VERSION, **jsonable(diagnosis)}
