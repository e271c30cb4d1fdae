"""`steward demo ...` wiring and the printed logins."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from steward.demo.cast import PEOPLE
from steward.demo.cli import register
from steward.demo.loading import demo_logins
from steward.demo.scenario import DEMO_PASSWORD


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """A stand-in for the steward app."""

    register(app)
    return app


def test_demo_commands_are_registered() -> None:
    result = CliRunner().invoke(_app(), ["demo", "--help"])
    assert result.exit_code == 0, result.output
    for command in ("load", "logins", "export"):
        assert command in result.output


def test_logins_print_the_address_password_and_one_login_per_role(settings: object) -> None:
    settings.ROOT_URLCONF = "tests.demo.urls"  # type: ignore[attr-defined]
    result = CliRunner().invoke(_app(), ["demo", "logins", "--url", "http://demo.example:8000/"])
    assert result.exit_code == 0, result.output
    assert "http://demo.example:8000/login/" in result.output
    assert DEMO_PASSWORD in result.output
    for label in {person.role_label for person in PEOPLE}:
        assert label in result.output
    assert "qh_owner" in result.output and "isolation" in result.output
    # Every login is at least named, so nobody has to read the code to find one.
    for person in PEOPLE:
        assert person.username in result.output


def test_demo_logins_cover_every_role_with_what_they_see() -> None:
    logins = demo_logins()
    assert [login.username for login in logins] == [person.username for person in PEOPLE]
    assert len({login.role_label for login in logins}) == 8
    owner = next(login for login in logins if login.username == "qh_owner")
    assert owner.sees.endswith("青禾母婴拼多多店") and "、" not in owner.sees
    design = next(login for login in logins if login.username == "yf_design")
    assert "暖织家纺" not in design.sees
