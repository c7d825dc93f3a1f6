"""Background jobs, in the process by default: a small pool of worker threads.

Jobs record their own state in the database (a report's status and progress), so a job that was
queued or running when the process stopped is found and started again at the next start-up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

log = logging.getLogger(__name__)


class JobRunner:
    def __init__(self, workers: int = 1) -> None:
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="job")

    def submit(self, name: str, job: Callable[..., Any], *args: Any) -> Future[Any]:
        future = self._executor.submit(job, *args)
        future.add_done_callback(lambda done: _log_failure(name, done))
        return future

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def _log_failure(name: str, future: Future[Any]) -> None:
    error = future.exception() if not future.cancelled() else None
    if error is not None:
        log.error("job failed", extra={"job": name, "error": repr(error)})
