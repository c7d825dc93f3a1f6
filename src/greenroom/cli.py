"""The `greenroom` command: serve, db, users, doctor."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from greenroom.config import ConfigurationError, Settings

app = typer.Typer(
    help="Greenroom: interview practice and screening.", no_args_is_help=True, add_completion=False
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
bank_app = typer.Typer(help="The question bank.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(bank_app, name="bank")


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
    from greenroom.migrate import upgrade

    settings = _settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.resolved_database_url)
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


@bank_app.command("validate")
def bank_validate(
    directory: Annotated[Path | None, typer.Option("--dir", help="Another bank folder.")] = None,
) -> None:
    """Check every question file against the schema."""
    from greenroom.questions.bank import BankError, default_bank_dir, load_bank_from

    folder = directory or default_bank_dir()
    try:
        bank = load_bank_from(folder)
    except BankError as error:
        typer.secho(f"invalid: {error}", fg="red", err=True)
        raise typer.Exit(1) from error
    files = len(list(folder.glob("*.yaml")))
    typer.echo(f"valid: {len(bank.questions)} questions in {files} files")


@bank_app.command("stats")
def bank_stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Count the questions, per role, type and difficulty."""
    from greenroom.questions.bank import load_bank
    from greenroom.questions.catalogue import ROLES

    stats = load_bank().stats()
    if as_json:
        typer.echo(json.dumps(stats, indent=2))
        return
    typer.echo(
        f"{stats['questions']} questions for {stats['roles']} roles; "
        f"by type {stats['by_type']}; by difficulty {stats['by_difficulty']}"
    )
    for role, counts in stats["per_role"].items():
        typer.echo(f"  {ROLES[role]:<28} {counts['questions']:>4}  {counts['by_type']}")


@bank_app.command("export")
def bank_export(
    out: Annotated[
        Path | None, typer.Option(help="File to write; standard output if unset.")
    ] = None,
    role: Annotated[str | None, typer.Option(help="Only the questions of this role.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="json or yaml.")] = "json",
) -> None:
    """Write the bank (or one role's questions) as JSON or YAML."""
    import yaml

    from greenroom.questions.bank import load_bank

    bank = load_bank()
    questions = bank.for_role(role) if role else list(bank.questions)
    data = {"questions": [q.model_dump(mode="json") for q in questions]}
    if fmt not in {"json", "yaml"}:
        raise typer.BadParameter("use json or yaml", param_hint="--format")
    text = json.dumps(data, indent=2) if fmt == "json" else yaml.safe_dump(data, sort_keys=False)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {len(questions)} questions to {out}", err=True)


@app.command()
def practice(
    role: Annotated[
        str, typer.Option(help="Target role, e.g. backend, data_engineer.")
    ] = "backend",
    level: Annotated[
        str, typer.Option(help="intern, junior, mid, senior, staff, manager.")
    ] = "mid",
    interview_type: Annotated[
        str, typer.Option("--type", help=("behavioural, technical, mixed or system_design."))
    ] = "mixed",
    questions: Annotated[int, typer.Option(help="Number of questions.")] = 5,
    difficulty: Annotated[str, typer.Option(help="easy, medium or hard.")] = "medium",
    persona: Annotated[str, typer.Option(help="friendly, neutral or tough.")] = "neutral",
    tech: Annotated[
        list[str] | None, typer.Option(help="A technology to focus on (repeat).")
    ] = None,
    company: Annotated[str, typer.Option(help="Target company.")] = "",
    user: Annotated[
        str | None, typer.Option(help="Email of the account to store it under.")
    ] = None,
    resume: Annotated[int | None, typer.Option(help="Continue this interview id.")] = None,
) -> None:
    """Take a text interview in the terminal; it is stored where the web app shows it."""
    from pydantic import ValidationError

    from greenroom.db import make_engine, make_session_factory
    from greenroom.interviews.engine import InterviewError
    from greenroom.interviews.repository import interview_of
    from greenroom.interviews.runtime import default_engine
    from greenroom.interviews.schemas import Setup
    from greenroom.interviews.terminal import COMMANDS, PracticeError, TerminalInterview, find_user
    from greenroom.migrate import upgrade

    settings = _settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.resolved_database_url)
    engine = make_engine(settings.resolved_database_url)
    db = make_session_factory(engine)()

    def write(text: str) -> None:
        typer.echo(text, nl=False)

    try:
        account = find_user(db, user)
        terminal = TerminalInterview(db, default_engine(), account, write)
        if resume is not None:
            interview = interview_of(db, account.id, resume)
            if interview is None:
                raise PracticeError(f"No interview {resume} of {account.email}.")
            terminal.resume(interview)
        else:
            setup = Setup(
                role=role,
                level=level,
                interview_type=interview_type,
                question_count=questions,
                difficulty=difficulty,
                persona=persona,
                technologies=tech or [],
                company=company,
            )
            write(f"Greenroom practice for {account.email}. {COMMANDS}.\n")
            interview = terminal.start(setup)
        terminal.run(interview, iter(sys.stdin))
    except ValidationError as error:
        messages = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        typer.secho(f"Check the options: {messages}", fg="red", err=True)
        raise typer.Exit(2) from error
    except (PracticeError, InterviewError) as error:
        typer.secho(str(error), fg="red", err=True)
        raise typer.Exit(1) from error
    finally:
        db.close()
        engine.dispose()
    url = f"http://{settings.host}:{settings.port}/interviews/{interview.id}"
    if interview.status == "completed":
        write(f"\nInterview saved. Read it at {url}\n")
    else:
        write(f"\nContinue with: greenroom practice --resume {interview.id}  (or at {url})\n")


@app.command()
def score(
    source: Annotated[
        Path,
        typer.Argument(help="JSON lines: question, answer, and optionally key_points, type, role."),
    ],
    out: Annotated[Path | None, typer.Option(help="Write here instead of standard output.")] = None,
) -> None:
    """Score answers from a JSON-lines file; one JSON line out per line in."""
    from pydantic import ValidationError

    from greenroom.assessment.batch import AssessRequest, assess_request, scorer_for
    from greenroom.interviews.runtime import default_engine
    from greenroom.providers.llm.registry import build_llm

    if not source.is_file():
        typer.secho(f"No such file: {source}", fg="red", err=True)
        raise typer.Exit(2)
    # With a language model configured, its judgement adjusts each score; unreachable, it is
    # skipped and the scores are exactly those without one.
    engine = default_engine()
    scorer, bank = scorer_for(engine, build_llm(_settings())), engine.bank
    results = []
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            request = AssessRequest.model_validate_json(line)
        except ValidationError as error:
            problem = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'line'}: {e['msg']}"
                for e in error.errors(include_input=False)
            )
            results.append(json.dumps({"line": number, "error": problem}))
            continue
        results.append(json.dumps({"line": number, **assess_request(request, scorer, bank)}))
    text = "\n".join(results) + "\n"
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {len(results)} results to {out}", err=True)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
