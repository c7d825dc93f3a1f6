"""The assessment JSON API: score one answer."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from greenroom.accounts.deps import ApiViewer
from greenroom.assessment.batch import AssessRequest, assess_request, default_scorer
from greenroom.questions.bank import load_bank

router = APIRouter(prefix="/api/v1", tags=["assessment"])


@router.post("/assess", summary="Score one answer: overall, sub-scores and the evidence for each")
async def assess(body: AssessRequest, viewer: ApiViewer) -> dict[str, Any]:
    del viewer  # any signed-in user may score answers; nothing is stored
    return await run_in_threadpool(assess_request, body, default_scorer(), load_bank())
