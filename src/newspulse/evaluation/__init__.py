"""Offline measurement of the engine against gold data: clustering metrics and references.

Not a pipeline stage: like ``pipeline`` it may call several stages, and nothing in the
engine imports it.  The benchmarks under ``bench/`` and the floors in ``tests/quality/``
use it, so both score exactly what ``newspulse cluster`` does.
"""
