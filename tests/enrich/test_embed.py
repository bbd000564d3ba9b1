from __future__ import annotations

import shutil
import socket
from pathlib import Path

import numpy as np
import pytest

from newspulse.enrich.embed import (
    DIMENSIONS,
    HashingEmbedder,
    MiniLMEmbedder,
    create_embedder,
    minilm_model_dir,
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
