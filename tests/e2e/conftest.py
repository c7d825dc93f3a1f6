"""A real Greenroom server on a free port and a real Chromium driven by Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    expect,
    sync_playwright,
)

from tests.conftest import TEST_SECRET

CHROMIUM = os.environ.get("GREENROOM_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# A page's first answer loads the embedding model in the server; on a machine busy with other
# model tests that alone can pass Playwright's 5 s default. Assertions wait as long as actions do.
expect.set_options(timeout=20_000)


class LiveServer:
    """`greenroom serve` exactly as `make run` starts it, on a temporary database."""

    def __init__(self, database_url: str, data_dir: Path, log_path: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database_url = database_url
        self.data_dir = data_dir
        self.log_path = log_path
        self.env = {
            **os.environ,
            "GREENROOM_DATA_DIR": str(data_dir),
            "GREENROOM_DATABASE_URL": database_url,
            "GREENROOM_SECRET_KEY": TEST_SECRET,
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "greenroom.cli", "serve", "--port", str(self.port)],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env,
            )
        _wait_until_up(self.url, self.process, self.log_path)
        _wait_until_up(self.url, self.process, self.log_path, path="/readyz")

    def kill(self) -> None:
        """Stops the server the hard way, as a crash or a power cut would."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def live_server(database_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    server = LiveServer(database_url, tmp_path / "data", tmp_path / "server.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _wait_until_up(
    url: str, process: subprocess.Popen[bytes], log_path: Path, path: str = "/healthz"
) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}{path}", timeout=2):  # noqa: S310 (http only)
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server did not start:\n{log_path.read_text()}")


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
    yield instance
    instance.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport={"width": 1200, "height": 900})
    ctx.set_default_timeout(20_000)
    yield ctx
    ctx.close()


def _is_real_error(kind: str, text: str) -> bool:
    # A refused form answers 400/429 on purpose; Chromium logs that status as a console error.
    return kind == "error" and not text.startswith(
        "Failed to load resource: the server responded with a status of 4"
    )


@pytest.fixture
def page(context: BrowserContext, request: pytest.FixtureRequest) -> Iterator[Page]:
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on(
        "console",
        lambda msg: errors.append(msg.text) if _is_real_error(msg.type, msg.text) else None,
    )
    yield tab
    ARTIFACTS.mkdir(exist_ok=True)
    name = request.node.name.replace("/", "_").replace("[", "-").replace("]", "")
    tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert errors == [], f"browser errors: {errors}"
