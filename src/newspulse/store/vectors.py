"""Compact vector storage: float16 blobs, about 768 bytes for a 384-d embedding."""

from __future__ import annotations

import numpy as np

from newspulse.domain import Vector


def vector_to_blob(vector: Vector) -> bytes:
    return np.asarray(vector, dtype=np.float16).tobytes()


def blob_to_vector(blob: bytes) -> Vector:
    return np.frombuffer(blob, dtype=np.float16).astype(np.float32)
