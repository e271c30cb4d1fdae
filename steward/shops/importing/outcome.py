"""What an import did (or, for a dry run, would do), for people and for programs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from steward.shops.importing.formats import FORMATS


@dataclass(frozen=True)
class DateRange:
    """A run of consecutive days in the file and what happened to their rows."""

    date_from: dt.date | None  # None for rows without a date (orders never paid)
    date_to: dt.date | None
    inserted: int
    replaced: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "inserted": self.inserted,
            "replaced": self.replaced,
        }

    def span(self, lang: str) -> str:
        zh = lang.startswith("zh")
        if self.date_from is None or self.date_to is None:
            return "无日期" if zh else "undated"
        if self.date_from == self.date_to:
            return self.date_from.isoformat()
        joint = " 至 " if zh else " to "
        return f"{self.date_from.isoformat()}{joint}{self.date_to.isoformat()}"


@dataclass(frozen=True)
class ImportOutcome:
    kind: str
    rows: int
    inserted: int  # rows whose key was new
    # Rows whose key already existed and whose values were overwritten; for reviews, which
    # have no key, the rows of days whose earlier reviews were replaced.
    replaced: int
    date_from: dt.date | None
    date_to: dt.date | None
    dry_run: bool
    ranges: tuple[DateRange, ...] = ()
    filename: str = ""
    sha256: str = ""
    # Campaigns or products that the file named for the first time and that were created.
    created: int = 0
    batch_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "rows": self.rows,
            "inserted": self.inserted,
            "replaced": self.replaced,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "dry_run": self.dry_run,
            "ranges": [r.as_dict() for r in self.ranges],
        }

    def summary_lines(self, lang: str = "zh-hans") -> list[str]:
        fmt = FORMATS[self.kind]
        if lang.startswith("zh"):
            if self.dry_run:
                head = (
                    f"试导入（未写入任何数据）{fmt.title_zh}：共 {self.rows:,} 行，"
                    f"将新增 {self.inserted:,} 行，将覆盖 {self.replaced:,} 行"
                )
            else:
                head = f"已导入{fmt.title_zh}：共 {self.rows:,} 行，新增 {self.inserted:,} 行，覆盖 {self.replaced:,} 行"
            lines = [head]
            lines += [
                f"  {r.span(lang)}：新增 {r.inserted:,} 行，覆盖 {r.replaced:,} 行" for r in self.ranges
            ]
            if self.created:
                noun = "推广计划" if self.kind == "campaigns" else "商品"
                verb = "将新建" if self.dry_run else "新建"
                lines.append(f"  {verb}{noun} {self.created:,} 个")
            return lines
        if self.dry_run:
            head = (
                f"dry run, nothing written - {fmt.title_en}: {self.rows:,} rows, "
                f"{self.inserted:,} would be inserted, {self.replaced:,} would be replaced"
            )
        else:
            head = (
                f"imported {fmt.title_en}: {self.rows:,} rows, "
                f"{self.inserted:,} inserted, {self.replaced:,} replaced"
            )
        lines = [head]
        lines += [f"  {r.span(lang)}: {r.inserted:,} inserted, {r.replaced:,} replaced" for r in self.ranges]
        if self.created:
            noun = "campaigns" if self.kind == "campaigns" else "products"
            verb = "would create" if self.dry_run else "created"
            lines.append(f"  {verb} {self.created:,} new {noun}")
        return lines
