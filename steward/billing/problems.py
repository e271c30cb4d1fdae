"""What is wrong with a contract or a figures file, said so a person can find and fix it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One error or warning, located by clause (1-based, as people count) and field."""

    field: str
    message: str
    clause_index: int | None = None
    clause_type: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.clause_index is not None:
            kind = f" ({self.clause_type})" if self.clause_type else ""
            parts.append(f"clause {self.clause_index}{kind}")
        if self.field:
            parts.append(f"field `{self.field}`")
        where = ", ".join(parts) or "the document"
        return f"{where}: {self.message}"


class BillingInputError(ValueError):
    """Input that cannot be settled: carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem], source: str = "") -> None:
        self.problems = list(problems)
        self.source = source
        prefix = f"{source}: " if source else ""
        super().__init__("\n".join(prefix + str(problem) for problem in self.problems))


class ContractError(BillingInputError):
    """The contract document is not valid."""


class FiguresError(BillingInputError):
    """The figures are missing, malformed, or disagree with the contract."""


class SettlementError(BillingInputError):
    """The month cannot be settled under this contract (outside the service period, no target)."""
