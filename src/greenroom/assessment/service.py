"""Reports: queued when an interview completes, built in the background, regenerated on request."""

from __future__ import annotations

import logging

from sqlalchemy import event, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from greenroom.assessment.models import Report, ReportStatus
from greenroom.assessment.report import build_report
from greenroom.assessment.scoring import RUBRIC_VERSION, AnswerScorer
from greenroom.assessment.stronger import StrongerAnswerWriter
from greenroom.db import utcnow
from greenroom.interviews.models import Interview, Status
from greenroom.jobs import JobRunner
from greenroom.questions.bank import Bank

log = logging.getLogger(__name__)


def report_of(db: Session, interview_id: int) -> Report | None:
    return db.scalar(select(Report).where(Report.interview_id == interview_id))


def unfinished_report_ids(db: Session) -> list[int]:
    rows = db.scalars(
        select(Report.id).where(
            Report.status.in_([ReportStatus.QUEUED.value, ReportStatus.RUNNING.value])
        )
    )
    return list(rows)


class ReportBuilder:
    """Queues reports and builds them on the job runner, each in its own transactions."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        jobs: JobRunner,
        bank: Bank,
        scorer: AnswerScorer,
        writer: StrongerAnswerWriter | None = None,
    ) -> None:
        self.sessions, self.jobs, self.bank, self.scorer = sessions, jobs, bank, scorer
        self.writer = writer

    def ensure(
        self, db: Session, interview: Interview, *, regenerate: bool = False
    ) -> Report | None:
        """The report of a completed interview, queued if there is none (or on request)."""
        if interview.status != Status.COMPLETED.value:
            return None
        report = report_of(db, interview.id)
        if report is None:
            report = Report(interview_id=interview.id)
            db.add(report)
        elif not regenerate and report.status != ReportStatus.FAILED.value:
            return report
        report.status, report.progress, report.error = ReportStatus.QUEUED.value, 0, ""
        report.updated_at = utcnow()
        db.flush()
        report_id = report.id

        # The job starts once this transaction commits, so it reads the queued row.
        @event.listens_for(db, "after_commit", once=True)
        def start(_session: Session) -> None:
            self.jobs.submit(f"report {report_id}", self.run, report_id)

        return report

    def resume_unfinished(self) -> None:
        """At start-up: start again every report that was queued or running."""
        try:
            with self.sessions() as db:
                ids = unfinished_report_ids(db)
        except SQLAlchemyError as error:  # a database that is down must not stop the app
            log.warning("could not look for unfinished reports: %s", type(error).__name__)
            return
        for report_id in ids:
            self.jobs.submit(f"report {report_id}", self.run, report_id)

    def run(self, report_id: int) -> None:
        interview_id = self._set(report_id, status=ReportStatus.RUNNING, progress=5)
        try:
            with self.sessions() as db:
                interview = db.get(Interview, interview_id)
                assert interview is not None
                payload = build_report(
                    interview,
                    self.bank,
                    self.scorer,
                    progress=lambda p: self._set(report_id, progress=p),
                    writer=self.writer,
                )
            self._set(report_id, status=ReportStatus.DONE, progress=100, payload=payload)
        except Exception as error:  # a failed report says so; the interview is untouched
            log.exception("report failed", extra={"report_id": report_id})
            self._set(report_id, status=ReportStatus.FAILED, error=repr(error)[:500])

    def _set(
        self,
        report_id: int,
        *,
        status: ReportStatus | None = None,
        progress: int | None = None,
        payload: dict[str, object] | None = None,
        error: str | None = None,
    ) -> int:
        with self.sessions.begin() as db:  # commits when the block ends
            report = db.get(Report, report_id)
            assert report is not None
            if status is not None:
                report.status = status.value
            if progress is not None:
                report.progress = progress
            if payload is not None:
                report.payload = payload
                report.rubric_version = RUBRIC_VERSION
                report.model_versions = dict(payload.get("model_versions", {}))  # type: ignore[call-overload]
            if error is not None:
                report.error = error
            report.updated_at = utcnow()
            return report.interview_id
