"""Imports every feature's tables so Base.metadata knows them all (for migrations and tests)."""

from __future__ import annotations


def import_all_models() -> None:
    import greenroom.accounts.models
    import greenroom.assessment.models
    import greenroom.coach.models
    import greenroom.interviews.models  # noqa: F401
