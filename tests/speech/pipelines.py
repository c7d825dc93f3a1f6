"""Running a Pipecat test pipeline from a synchronous test."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def in_own_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """Runs the coroutine in a fresh event loop on its own thread: a browser test earlier on the
    same worker may leave Playwright's loop running on this one. (tests/speech/conftest.py keeps
    Pipecat's runner from setting signal handlers, which only the main thread may.)"""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
