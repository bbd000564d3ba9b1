"""An embedder that remembers what it embedded, optionally across runs.

The quality benchmark scores the streaming clusterer and the offline reference on
the *same* vectors, and re-runs on unchanged data should not pay MiniLM's 50
texts/s again: ``CachedEmbedder`` wraps any ``Embedder``, keys vectors by model name
and text, and can keep them in an ``.npz`` file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from newspulse.enrich.embed import Embedder


class CachedEmbedder:
    def __init__(self, inner: Embedder, cache_file: Path | None = None) -> None:
        self.inner = inner
        self.cache_file = cache_file
        self.computed = 0
        self._vectors: dict[str, npt.NDArray[np.float32]] = {}
        if cache_file is not None and cache_file.exists():
            with np.load(cache_file) as stored:
                self._vectors = {key: stored[key] for key in stored.files}

    @property
    def name(self) -> str:
        return self.inner.name

    def key(self, text: str) -> str:
        return hashlib.blake2b(f"{self.name}\n{text}".encode(), digest_size=16).hexdigest()

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        keys = [self.key(text) for text in texts]
        wanted = {k: t for k, t in zip(keys, texts, strict=True) if k not in self._vectors}
        if wanted:
            vectors = self.inner.embed(list(wanted.values()))
            self._vectors.update(zip(wanted, vectors, strict=True))
            self.computed += len(wanted)
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._vectors[k] for k in keys]).astype(np.float32)

    def save(self) -> None:
        if self.cache_file is not None and self.computed:
            self.cache_file.parent.mkdir(parents=True, exist_ok=True)
            np.savez(self.cache_file, **self._vectors)  # type: ignore[arg-type]
