"""`steward`: every main job of Store Steward as a command.

Each part of the product registers its own commands (``register(app)`` in its ``cli.py``);
this module only sets Django up and puts them together.
"""

from __future__ import annotations

import os

import typer

app = typer.Typer(
    name="steward",
    help="Store Steward — 店铺托管协作平台的命令行。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


_registered = False


def build() -> typer.Typer:
    """Set Django up and register every part's commands (once)."""
    global _registered
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
    django.setup()

    from steward.approvals import cli as approvals_cli
    from steward.audit import cli as audit_cli
    from steward.billing import cli as billing_cli
    from steward.demo import cli as demo_cli
    from steward.diagnosis import cli as diagnosis_cli
    from steward.plans import cli as plans_cli
    from steward.shops import cli as shops_cli
    from steward.signals import cli as signals_cli

    if not _registered:
        for module in (
            shops_cli,
            audit_cli,
            demo_cli,
            approvals_cli,
            billing_cli,
            plans_cli,
            signals_cli,
            diagnosis_cli,
        ):
            module.register(app)
        _registered = True
    return app


def main() -> None:
    build()()


if __name__ == "__main__":
    main()
