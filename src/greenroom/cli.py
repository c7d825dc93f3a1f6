"""The `greenroom` command: serve, db, users, doctor."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from greenroom.config import ConfigurationError, Settings

app = typer.Typer(
    help="Greenroom: interview practice and screening.", no_args_is_help=True, add_completion=False
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")


def _settings() -> Settings:
    try:
        return Settings()
    except ConfigurationError as error:
        typer.secho(f"Configuration error: {error}", fg="red", err=True)
        raise typer.Exit(2) from error


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    migrate: Annotated[bool, typer.Option(help="Upgrade the database schema first.")] = True,
    proxy_headers: Annotated[
        bool,
        typer.Option(
            help="Trust X-Forwarded-* from --forwarded-allow-ips (behind a reverse proxy)."
        ),
    ] = False,
    forwarded_allow_ips: Annotated[str, typer.Option()] = "127.0.0.1",
) -> None:
    """Serve the web app (http://127.0.0.1:8000 by default)."""
    import uvicorn

    from greenroom.migrate import upgrade
    from greenroom.observability import configure_logging

    settings = _settings()
    configure_logging(settings.log_level, json_lines=settings.log_json)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if migrate:
        upgrade(settings.resolved_database_url)
    host, port = host or settings.host, port or settings.port
    typer.echo(f"Greenroom is running at http://{host}:{port}  (Ctrl+C to stop)", err=True)
    uvicorn.run(
        "greenroom.app:create_app",
        factory=True,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        proxy_headers=proxy_headers,
        forwarded_allow_ips=forwarded_allow_ips,
        server_header=False,
    )


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply migrations up to REVISION (the newest by default)."""
    from greenroom.migrate import upgrade

    settings = _settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.resolved_database_url, revision)
    typer.echo(f"Database schema is at {revision}.")


@users_app.command("create-admin")
def create_admin(
    email: Annotated[str, typer.Option(prompt=True, help="Email of the admin.")],
    name: Annotated[str, typer.Option(prompt="Display name", help="Display name.")] = "Admin",
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin", help="Read the password from standard input (for scripts)."
        ),
    ] = False,
) -> None:
    """Create an admin account, or make an existing account an admin."""
    from greenroom.accounts.errors import AccountError
    from greenroom.accounts.service import create_admin as create
    from greenroom.db import make_engine, make_session_factory, session_scope

    settings = _settings()
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    engine = make_engine(settings.resolved_database_url)
    try:
        for db in session_scope(make_session_factory(engine)):
            user = create(db, settings, email=email, display_name=name, password=password)
            typer.echo(f"{user.email} is an admin.")
    except AccountError as error:
        typer.secho(error.message, fg="red", err=True)
        raise typer.Exit(1) from error
    finally:
        engine.dispose()


@app.command()
def doctor(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List which engines are available and how to fix what is missing."""
    from greenroom.doctor import run_checks

    checks = run_checks(_settings())
    if as_json:
        typer.echo(json.dumps([check.as_dict() for check in checks], indent=2))
    else:
        marks = {
            "ok": typer.style("ok     ", fg="green"),
            "missing": typer.style("missing", fg="yellow"),
            "error": typer.style("error  ", fg="red"),
        }
        for check in checks:
            typer.echo(f"{marks[check.status]}  {check.name:<16} {check.detail}")
            if check.fix:
                typer.echo(f"{'':9}  {'':<16} fix: {check.fix}")
    if any(check.status == "error" and check.name == "database" for check in checks):
        raise typer.Exit(1)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
