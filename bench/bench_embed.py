"""Embedding throughput of the bundled MiniLM on short texts and on title + lead.

python bench/bench_embed.py
"""

from __future__ import annotations

from common import CORPUS, report, timed
from newspulse.enrich.embed import MiniLMEmbedder
from newspulse.ingest.corpus import read_corpus


def main() -> None:
    entries = [
        entry
        for name in ("ai-infra", "crypto", "sports")
        for entry in read_corpus(CORPUS / name / "articles.jsonl").entries
    ]
    with timed() as load:
        embedder = MiniLMEmbedder()
    print(f"model load: {load.seconds:.2f} s")
    titles = [entry.title or entry.text[:120] for entry in entries]
    with timed() as short:
        embedder.embed(titles)
    report("enrich: MiniLM, short texts (titles)", len(titles), short.seconds, "texts")
    leads = [f"{entry.title}. {entry.text[:600]}" for entry in entries]
    with timed() as lead:
        embedder.embed(leads)
    report("enrich: MiniLM, title + lead (600 chars)", len(leads), lead.seconds, "texts")


if __name__ == "__main__":
    main()
