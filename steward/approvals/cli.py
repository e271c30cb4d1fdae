from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation

import typer

guardrails_app = typer.Typer(help="红线检查 / guardrail checks", no_args_is_help=True)


@guardrails_app.command("check")
def check_command(
    engagement: int = typer.Option(..., "--engagement", help="engagement id"),
    kind: str = typer.Option(..., "--kind", help="price | discount | spend | campaign_plan | service"),
    value: str | None = typer.Option(None, "--value", help="new price, discount share (0.35), budget or fee"),
    sku: str | None = typer.Option(None, "--sku"),
    campaign: str | None = typer.Option(None, "--campaign"),
    date: str | None = typer.Option(None, "--date", help="planned date YYYY-MM-DD"),
    service: str | None = typer.Option(None, "--service"),
    output: str = typer.Option("text", "--format", help="text | json"),
) -> None:
    """Would this action be allowed, need the merchant's approval, or not be allowed? Exit 0, 3, 4."""
    from django.core.exceptions import ValidationError

    from steward.approvals.guardrails import NEEDS_APPROVAL, NOT_ALLOWED, GuardrailError, Proposal
    from steward.approvals.services import check_action
    from steward.engagements.models import Engagement

    found = Engagement.objects.filter(pk=engagement).first()
    if found is None:
        typer.echo(f"no engagement {engagement}", err=True)
        raise typer.Exit(1)
    try:
        amount = Decimal(value) if value is not None else None
        planned = dt.date.fromisoformat(date) if date else None
    except (InvalidOperation, ValueError) as exc:
        typer.echo(f"bad --value or --date: {exc}", err=True)
        raise typer.Exit(1) from exc
    try:
        proposal = Proposal(
            kind=kind, value=amount, sku=sku, campaign=campaign, planned_date=planned, service=service
        )
        verdict = check_action(found, proposal)
    except (GuardrailError, ValidationError) as exc:
        typer.echo(f"cannot check: {exc}", err=True)
        raise typer.Exit(1) from exc
    if output == "json":
        typer.echo(
            json.dumps(
                {
                    "outcome": verdict.outcome,
                    "decider": verdict.decider or None,
                    "response_hours": verdict.response_hours or None,
                    "findings": [
                        {
                            "policy": f.policy,
                            "verdict": f.verdict,
                            "message_zh": f.message_zh,
                            "message_en": f.message_en,
                        }
                        for f in verdict.findings
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        typer.echo(verdict.outcome)
        for f in verdict.findings:
            typer.echo(f"  [{f.policy}] {f.message_zh} / {f.message_en}")
        if verdict.outcome == NEEDS_APPROVAL:
            typer.echo(f"  decider: {verdict.decider}; within {verdict.response_hours} h")
    if verdict.outcome == NEEDS_APPROVAL:
        raise typer.Exit(3)
    if verdict.outcome == NOT_ALLOWED:
        raise typer.Exit(4)


def register(app: typer.Typer) -> None:
    app.add_typer(guardrails_app, name="guardrails")
