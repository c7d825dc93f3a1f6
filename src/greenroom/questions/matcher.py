"""Says, for each key point of a question, whether an answer covers it, and with which words.

An answer is split into sentences, pairs of neighbouring sentences (a point is often made across
two) and clauses (one long spoken sentence often makes several points); each piece is embedded.
A key point's score blends its best cosine against those pieces with the share of its content
words the answer uses (embeddings alone under-rate a point made in the point's own terms). The
best piece is kept as the quote. Weights and thresholds were chosen on the labelled examples in
data/matcher_examples.yaml with bench/matcher.py (see docs/matching.md).
"""

from __future__ import annotations

import itertools
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from greenroom.providers.embeddings import Embedder, Vectors

COVERED_AT = 0.50
PARTIAL_AT = 0.41
LEXICAL_WEIGHT = 0.4
MAX_PIECES = 160
# Texts whose vectors are kept: every key point of the bank plus recent answers' pieces.
CACHE_SIZE = 20_000
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+|;\s+")
_CLAUSE = re.compile(r",\s+|\s+(?:so|because|and then|which|but|then|since|while)\s+")
_WORD = re.compile(r"[A-Za-z0-9']+")
# Words too common to say anything about a key point (and whose absence marks a word salad).
STOPWORDS = frozenset(
    re.findall(
        r"\w+",
        """
        a an the and or but so to of in on for with by is are was were be been it its this that
        i we you they he she my our your their as at from if then than do does did not no yes
        can could would should will just also about into over more most very really what which
        who how when where why there here have has had because while me us them his her these
        those any some all
        """,
    )
)


class Coverage(StrEnum):
    COVERED = "covered"
    PARTIAL = "partial"
    MISSED = "missed"


@dataclass(frozen=True)
class KeyPointMatch:
    index: int
    point: str
    coverage: Coverage
    similarity: float
    quote: str  # the answer's words closest to the point ("" when nothing in the answer is close)


def split_sentences(text: str) -> list[str]:
    """Sentences of an answer, dropping fragments too short to make a point."""
    parts = (part.strip(" \t-•*") for part in _SENTENCE_END.split(text))
    return [part for part in parts if len(_WORD.findall(part)) >= 3]


def answer_pieces(text: str) -> list[str]:
    """Sentences, neighbouring pairs and clauses: the units a key point is compared against."""
    sentences = split_sentences(text)
    pairs = [f"{a} {b}" for a, b in itertools.pairwise(sentences)]
    clauses = []
    for sentence in sentences:
        parts = [part for part in _CLAUSE.split(sentence) if len(_WORD.findall(part)) >= 4]
        if len(parts) > 1:
            clauses += parts
    return list(dict.fromkeys(sentences + pairs + clauses))[:MAX_PIECES]


def content_stems(text: str) -> set[str]:
    """Content words cut to five letters: a cheap stemmer ('caching' and 'caches' -> 'cachi')."""
    words = (w.lower() for w in _WORD.findall(text))
    return {w[:5] for w in words if len(w) > 2 and w not in STOPWORDS}


def lexical_overlap(point: str, answer_stems: set[str]) -> float:
    stems = content_stems(point)
    return len(stems & answer_stems) / len(stems) if stems else 0.0


class KeyPointMatcher:
    """Matches answers against key points; key-point vectors are computed once and cached."""

    def __init__(
        self,
        embedder: Embedder,
        *,
        covered_at: float = COVERED_AT,
        partial_at: float = PARTIAL_AT,
        lexical_weight: float = LEXICAL_WEIGHT,
    ) -> None:
        self.embedder = embedder
        self.covered_at = covered_at
        self.partial_at = partial_at
        self.lexical_weight = lexical_weight
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def key_point_vectors(self, points: Sequence[str]) -> Vectors:
        """Vectors of `points` (or any texts), from the cache when seen before."""
        with self._lock:
            missing = [p for p in dict.fromkeys(points) if p not in self._cache]
        if missing:
            vectors = self.embedder.embed(missing)
            with self._lock:
                self._cache.update(zip(missing, vectors, strict=True))
        with self._lock:
            for point in points:
                self._cache.move_to_end(point)
            found = np.stack([self._cache[p] for p in points]).astype(np.float32)
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return found

    def prepare(self, answer: str) -> None:
        """Embeds the pieces of an answer still being given (voice: at each pause), so matching
        it once it is finished only embeds what is new."""
        pieces = answer_pieces(answer)
        if pieces:
            self.key_point_vectors(pieces)

    def knows(self, texts: Sequence[str]) -> bool:
        """True when every text's vector is cached."""
        with self._lock:
            return all(text in self._cache for text in texts)

    def match(self, answer: str, points: Sequence[str]) -> list[KeyPointMatch]:
        """One verdict per key point, in the key points' order."""
        if not points:
            return []
        pieces = answer_pieces(answer)
        if not pieces:
            return [KeyPointMatch(i, p, Coverage.MISSED, 0.0, "") for i, p in enumerate(points)]
        similarities = self.key_point_vectors(points) @ self.key_point_vectors(pieces).T
        answer_stems = content_stems(answer)
        matches = []
        for index, point in enumerate(points):
            best = int(np.argmax(similarities[index]))
            score = (1 - self.lexical_weight) * float(similarities[index, best])
            score += self.lexical_weight * lexical_overlap(point, answer_stems)
            matches.append(
                KeyPointMatch(
                    index,
                    point,
                    self._coverage(score),
                    round(score, 3),
                    pieces[best] if score >= self.partial_at else "",
                )
            )
        return matches

    def closest_pieces(self, text: str, points: Sequence[str]) -> list[str]:
        """For each point, the piece of `text` closest to it, however close that is."""
        pieces = answer_pieces(text)
        if not points or not pieces:
            return ["" for _ in points]
        similarities = self.key_point_vectors(points) @ self.key_point_vectors(pieces).T
        return [pieces[int(np.argmax(row))] for row in similarities]

    def _coverage(self, similarity: float) -> Coverage:
        if similarity >= self.covered_at:
            return Coverage.COVERED
        if similarity >= self.partial_at:
            return Coverage.PARTIAL
        return Coverage.MISSED
