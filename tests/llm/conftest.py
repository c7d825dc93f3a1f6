"""A llama.cpp server per test worker, started once; tests that stop it start their own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.llm.server import LlamaServer


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only: these tests prove the model's wiring, which no database changes."""
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    server = LlamaServer(tmp_path_factory.mktemp("llama") / "server.log").start()
    yield server
    server.stop()


@pytest.fixture
def own_llama_server(tmp_path: Path) -> Iterator[LlamaServer]:
    """A server this test may stop."""
    server = LlamaServer(tmp_path / "server.log").start()
    yield server
    server.stop()
