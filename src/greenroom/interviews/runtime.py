"""The process-wide interview engine: the bank and the embedding model are loaded once."""

from __future__ import annotations

from functools import cache

from greenroom.interviews.engine import InterviewEngine
from greenroom.providers.embeddings.local import LocalEmbedder
from greenroom.questions.bank import load_bank
from greenroom.questions.matcher import KeyPointMatcher


@cache
def default_engine() -> InterviewEngine:
    return InterviewEngine(load_bank(), KeyPointMatcher(LocalEmbedder()))
