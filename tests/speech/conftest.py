from __future__ import annotations

from functools import partial

import pytest
from pipecat.tests import utils as pipecat_test_utils
from pipecat.workers.runner import WorkerRunner


@pytest.fixture(autouse=True)
def no_signal_handlers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Signal handlers can only be set on the main thread; test pipelines run on another."""
    quiet = partial(WorkerRunner, handle_sigint=False, handle_sigterm=False)
    monkeypatch.setattr(pipecat_test_utils, "WorkerRunner", quiet)
