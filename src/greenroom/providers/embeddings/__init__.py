"""Sentence embeddings: one small interface, and the offline model that ships in a package."""

from __future__ import annotations

import abc

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


class Embedder(abc.ABC):
    """Turns sentences into unit-length vectors, so a dot product is the cosine similarity."""

    name: str

    @abc.abstractmethod
    def embed(self, texts: list[str]) -> Vectors:
        """One row per text, L2-normalised."""
