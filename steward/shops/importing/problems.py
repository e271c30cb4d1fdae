"""What is wrong with a file, said so that the person who exported it can find and fix it."""

from __future__ import annotations

from dataclasses import dataclass

# A rejected file lists at most this many problems; beyond that the user fixes the pattern,
# not each cell, and a million-line report would be useless anyway.
PROBLEM_LIMIT = 50


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file.

    ``row`` is the row number the user sees in Excel or a text editor (1-based, counting the
    title lines and the header; a CSV cell holding a line break is one row, as in Excel);
    ``column`` is the header as written in the file.
    """

    row: int | None
    column: str | None
    reason: str
    reason_zh: str

    def format(self, lang: str = "en") -> str:
        if lang.startswith("zh"):
            where = []
            if self.row is not None:
                where.append(f"第 {self.row} 行")
            if self.column is not None:
                where.append(f"“{self.column}”列")
            return f"{'，'.join(where)}：{self.reason_zh}" if where else self.reason_zh
        parts = []
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        return f"{', '.join(parts)}: {self.reason}" if parts else self.reason

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "reason": self.reason, "reason_zh": self.reason_zh}


def in_file_order(problems: list[Problem]) -> list[Problem]:
    """Problems sorted as the user reads the file: file-wide ones first, then by row."""
    return sorted(problems, key=lambda p: (p.row is not None, p.row or 0))


class ImportRejected(Exception):
    """The file was not imported and nothing was written. ``problems`` holds the first 50."""

    def __init__(self, problems: list[Problem], total: int | None = None) -> None:
        ordered = in_file_order(problems)
        self.problems: list[Problem] = ordered[:PROBLEM_LIMIT]
        self.total: int = max(total if total is not None else len(problems), len(self.problems))
        first = self.problems[0].format("en") if self.problems else "the file was rejected"
        more = f" (and {self.total - 1} more)" if self.total > 1 else ""
        super().__init__(first + more)

    def lines(self, lang: str = "en") -> list[str]:
        """The problems as lines, with a closing line for those not listed."""
        lines = [problem.format(lang) for problem in self.problems]
        hidden = self.total - len(self.problems)
        if hidden > 0:
            lines.append(
                f"…还有 {hidden} 个问题" if lang.startswith("zh") else f"… and {hidden} more problems"
            )
        return lines
