"""`steward demo load | logins | export`: the demo data set on the command line."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

demo_app = typer.Typer(help="演示数据 / the demo data set", no_args_is_help=True)


def _login_url(url: str | None) -> str:
    from urllib.parse import urljoin

    from django.conf import settings
    from django.urls import reverse

    base = url or settings.SITE_URL
    if not base.endswith("/"):
        base += "/"
    return urljoin(base, reverse("web:login").lstrip("/"))


def _print_logins(url: str | None, every: bool) -> None:
    from steward.demo.cast import ISOLATED_OWNER
    from steward.demo.loading import demo_logins
    from steward.demo.scenario import DEMO_PASSWORD

    logins = demo_logins()
    typer.echo(f"登录地址（login URL）：{_login_url(url)}")
    typer.echo(f"统一密码（password）：{DEMO_PASSWORD}")
    typer.echo("")
    shown: set[str] = set()
    seen_roles: set[str] = set()
    for login in logins:
        if every or login.role_label not in seen_roles:
            seen_roles.add(login.role_label)
            shown.add(login.username)
            typer.echo(
                f"{login.username:<14} {login.role_label} {login.display_name} · {login.organisation}\n"
                f"    可见（sees）：{login.sees}"
            )
    if not every:
        # The merchant without an agency proves isolation: it sees one shop and nothing else.
        solo = next(login for login in logins if login.username == ISOLATED_OWNER)
        if solo.username not in shown:
            shown.add(solo.username)
            typer.echo(
                f"{solo.username:<14} 隔离演示（isolation） {solo.display_name} · {solo.organisation}\n"
                f"    可见（sees）：{solo.sees}"
            )
        others = [login.username for login in logins if login.username not in shown]
        typer.echo(f"\n其他账号（more logins, same password）：{', '.join(others)}")


@demo_app.command("load")
def load() -> None:
    """Create or update the demo world and its 180 days of numbers (safe to run again)."""
    from steward.demo.loading import load_demo

    started = time.monotonic()
    typer.echo("加载演示数据（loading the demo data set）…")
    summary = load_demo(typer.get_text_stream("stdout"))
    created = ", ".join(f"{kind} {n}" for kind, n in summary.created.items()) or "无（nothing new）"
    typer.echo(f"新建（created）：{created}")
    if summary.updated:
        typer.echo("更新（updated）：" + ", ".join(f"{kind} {n}" for kind, n in summary.updated.items()))
    typer.echo(f"导入审计事件（import events recorded）：{summary.imports_recorded}")
    typer.echo(f"用时（took）：{time.monotonic() - started:.1f} s\n")
    _print_logins(None, every=True)


@demo_app.command("logins")
def logins(
    url: Annotated[str | None, typer.Option("--url", help="站点地址 / the site's address")] = None,
) -> None:
    """Print the login address and one demo login per role, with the password."""
    _print_logins(url, every=False)


@demo_app.command("export")
def export(
    directory: Annotated[Path, typer.Argument(help="目标文件夹 / folder to write into")],
) -> None:
    """Write the demo data set as back-office export files, one folder per shop (no database)."""
    from steward.demo.export import export_folder
    from steward.demo.generator import generate

    written = export_folder(generate(), directory)
    for folder in sorted({path.parent for path in written}):
        typer.echo(f"{folder}/: " + ", ".join(sorted(p.name for p in written if p.parent == folder)))
    typer.echo(f"共 {len(written)} 个文件（{len(written)} files written）")


def register(app: typer.Typer) -> None:
    app.add_typer(demo_app, name="demo")
