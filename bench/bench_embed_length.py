"""Encoder speed by how much text it reads: texts/s and CPU ms per text, in one process.

USE averages over all the text it is given, so its calibrated 2,000 characters cost more
than MiniLM's 600 (docs/encoders.md).  The encoders run on the 537 bundled title + lead
texts, alternating, for two rounds, so a shared machine's load hits each alike.
    python bench/bench_embed_length.py [--models use-multilingual-v3,all-MiniLM-L6-v2]
                                       [--chars 600,2000] [--threads 2]
"""

from __future__ import annotations

import argparse
import time

from common import CORPUS
from newspulse.calibration import E5, MINILM, USE
from newspulse.enrich.embed import E5Embedder, Embedder, MiniLMEmbedder, UseEmbedder
from newspulse.evaluation.datasets import load_corpus
from newspulse.evaluation.run import records_to_articles

MINILM_MAX_CHARS = 600  # MiniLM truncates beyond (256 word pieces): longer texts add nothing
# The bare encoders: create_embedder's content-hash cache would answer the second round.
ENCODERS = {MINILM: MiniLMEmbedder, USE: UseEmbedder, E5: E5Embedder}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", default=f"{USE},{MINILM}")
    parser.add_argument("--chars", default="600,2000")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    articles = [
        article
        for name in ("ai-infra", "crypto", "sports")
        for article in records_to_articles(load_corpus(CORPUS / name).records)
    ]
    encoders: dict[str, Embedder] = {
        model: ENCODERS[model](threads=args.threads) for model in args.models.split(",")
    }
    for encoder in encoders.values():
        encoder.embed(["warm-up"])
    for round_ in range(args.rounds):
        for chars in (int(c) for c in args.chars.split(",")):
            texts = [f"{a.title}. {a.text[:chars]}" for a in articles]
            for model, encoder in encoders.items():
                if model == MINILM and chars > MINILM_MAX_CHARS:
                    continue
                wall, cpu = time.perf_counter(), time.process_time()
                encoder.embed(texts)
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                print(
                    f"round {round_}  {model:<22} {chars:>5} chars  {len(texts) / wall:7.1f} "
                    f"texts/s  {1000 * cpu / len(texts):6.1f} CPU ms/text",
                    flush=True,
                )


if __name__ == "__main__":
    main()
