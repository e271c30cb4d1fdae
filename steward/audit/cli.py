from __future__ import annotations

import typer

audit_app = typer.Typer(help="审计日志 / the audit log", no_args_is_help=True)


@audit_app.command("verify")
def verify() -> None:
    """Re-compute the hash chain and report the first broken link (exit 1 if any)."""
    from steward.audit.services import verify_chain

    result = verify_chain()
    if result.ok:
        typer.echo(f"audit log intact: {result.checked} events, every link verified")
        return
    assert result.broken is not None
    typer.echo(
        f"audit log BROKEN at event #{result.broken.seq}: {result.broken.reason} "
        f"({result.checked} events before it verified)",
        err=True,
    )
    raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
