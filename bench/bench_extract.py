"""Article extraction quality and speed on the Zyte/Scrapinghub benchmark (181 pages).

python bench/bench_extract.py [--variants all|none] [--repeat N]

1. Check that our metric (newspulse.ingest.extract_metric, a reimplementation of the benchmark's
   evaluate.py) reproduces the published scores of the stored reference outputs.
2. Score every variant of the cascade that was tried: each step alone on top of fast mode, the
   default with each step left out, and post-processing steps that were measured and rejected.
3. Time the default cascade on one core (pages/s) and print peak memory.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import os
import re
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import trafilatura

from common import SHARED, peak_rss_mib
from newspulse.ingest.extract import ExtractionError, ExtractionOptions, extract_page
from newspulse.ingest.extract_metric import Scores, score_bodies

BENCHMARK = SHARED / "data" / "article-extraction-benchmark"
# Published F1 / precision / recall of the stored outputs (README.rst of the benchmark).
PUBLISHED = {
    "trafilatura": (0.958, 0.938, 0.978),
    "readability": (0.922, 0.913, 0.931),
    "html-text": (0.665, 0.500, 0.994),
    "goose3": (0.896, 0.940, 0.856),
    "justext": (0.804, 0.858, 0.756),
    "readability_js": (0.947, 0.914, 0.982),
    "go_domdistiller": (0.927, 0.901, 0.956),
    "newspaper": (0.949, 0.964, 0.934),
    "news_please": (0.948, 0.964, 0.933),
    "AutoExtract": (0.970, 0.984, 0.956),
    "Diffbot": (0.951, 0.958, 0.944),
    "boilerpipe": (0.860, 0.850, 0.870),
    "dragnet": (0.907, 0.925, 0.889),
}
WORD = re.compile(r"\w+")
BOILERPLATE_LINE = re.compile(
    r"^(advertisement|share( this)?( article| story)?|tags?:?|related( articles| stories)?:?"
    r"|read more|follow us.*|sign up.*|subscribe.*|thanks for signing up!?|.*newsletter"
    r"|copyright ©.*|© .*|all rights reserved\.?|click here.*|print article|order reprints)$",
    re.IGNORECASE,
)

Extractor = Callable[[str, str | None], str]


def load_outputs(path: Path) -> dict[str, str]:
    data = json.loads(path.read_text("utf-8"))
    items = data["output"] if "output" in data and "version" in data else data
    return {key: (value.get("articleBody") or "") for key, value in items.items()}


def load_pages() -> tuple[dict[str, str], dict[str, str], dict[str, str | None]]:
    truth_items = json.loads((BENCHMARK / "ground-truth.json").read_text("utf-8"))
    truth = {key: item.get("articleBody", "") for key, item in truth_items.items()}
    urls = {key: item.get("url") for key, item in truth_items.items()}
    pages = {
        path.name.split(".")[0]: gzip.decompress(path.read_bytes()).decode("utf-8")
        for path in sorted((BENCHMARK / "html").glob("*.html.gz"))
    }
    return truth, pages, urls


def check_metric(truth: Mapping[str, str]) -> bool:
    print("== metric check: stored reference outputs vs published scores (F1 / P / R)")
    all_match = True
    for path in sorted((BENCHMARK / "reference-outputs").glob("*.json")):
        scores = score_bodies(truth, load_outputs(path))
        published = PUBLISHED.get(path.stem)
        ours = (round(scores.f1, 3), round(scores.precision, 3), round(scores.recall, 3))
        verdict = "n/a" if published is None else ("match" if ours == published else "DIFFERS")
        shown = " / ".join(f"{value:.3f}" for value in published) if published else "-"
        all_match &= verdict != "DIFFERS"
        print(f"  {path.stem:<16} ours {ours[0]:.3f} / {ours[1]:.3f} / {ours[2]:.3f}"
              f"   published {shown}  {verdict}")  # fmt: skip
    print(f"  metric reproduces the published numbers: {'yes' if all_match else 'NO'}")
    return all_match


def run_extractor(
    pages: Mapping[str, str], urls: Mapping[str, str | None], extractor: Extractor
) -> dict[str, str]:
    outputs: dict[str, str] = {}
    for key, html in pages.items():
        try:
            outputs[key] = extractor(html, urls[key])
        except ExtractionError:
            outputs[key] = ""
    return outputs


def cascade(options: ExtractionOptions, post: Callable[[str], str] | None = None) -> Extractor:
    def extract(html: str, url: str | None) -> str:
        text = extract_page(html, url=url, options=options).text
        return post(text) if post else text

    return extract


def dedupe_paragraphs(text: str) -> str:
    seen: set[str] = set()
    kept = []
    for line in text.splitlines():
        key = " ".join(WORD.findall(line)).lower()
        if len(key.split()) >= 5 and key in seen:
            continue
        seen.add(key)
        kept.append(line)
    return "\n".join(kept)


def drop_boilerplate_lines(text: str) -> str:
    return "\n".join(
        line for line in text.splitlines() if not BOILERPLATE_LINE.match(line.strip(" -•*"))
    )


def variants() -> dict[str, Extractor]:
    default = ExtractionOptions()
    bare = ExtractionOptions(
        merge_split_bodies=False,
        navigation_fallback=False,
        drop_title_lines=False,
        vote_lines=False,
    )
    steps = ("merge_split_bodies", "navigation_fallback", "drop_title_lines", "vote_lines")
    tried: dict[str, Extractor] = {
        "trafilatura.extract (benchmark's call)": lambda html, _: (
            trafilatura.extract(html, include_comments=False) or ""
        ),
        "trafilatura fast=True": lambda html, _: (
            trafilatura.extract(html, fast=True, include_comments=False) or ""
        ),
        "trafilatura favor_precision": lambda html, _: (
            trafilatura.extract(html, favor_precision=True, include_comments=False) or ""
        ),
        "cascade, no step": cascade(bare),
    }
    for step in steps:
        tried[f"cascade, only {step}"] = cascade(dataclasses.replace(bare, **{step: True}))
    for step in steps:
        tried[f"default without {step}"] = cascade(dataclasses.replace(default, **{step: False}))
    tried["rejected: default + dedupe paragraphs"] = cascade(default, dedupe_paragraphs)
    tried["rejected: default + boilerplate patterns"] = cascade(default, drop_boilerplate_lines)
    return tried


def print_scores(name: str, scores: Scores, seconds: float | None = None) -> None:
    speed = f"  {181 / seconds:6.1f} pages/s" if seconds else ""
    print(
        f"  {name:<44} F1 {scores.f1:.4f}  P {scores.precision:.4f}  R {scores.recall:.4f}{speed}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", choices=("all", "none"), default="all")
    parser.add_argument("--repeat", type=int, default=2, help="timing passes of the default")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as stack.md
    truth, pages, urls = load_pages()
    check_metric(truth)
    if args.variants == "all":
        print("== variants tried (F1 / precision / recall on 181 pages)")
        for name, extractor in variants().items():
            print_scores(name, score_bodies(truth, run_extractor(pages, urls, extractor)))
    print("== default cascade (newspulse.ingest.extract.extract_page)")
    default = cascade(ExtractionOptions())
    best = float("inf")
    for _ in range(max(1, args.repeat)):
        started = time.perf_counter()
        outputs = run_extractor(pages, urls, default)
        best = min(best, time.perf_counter() - started)
    print_scores("default", score_bodies(truth, outputs), best)
    print(f"  {len(pages)} pages in {best:.2f} s on 1 core (best of {args.repeat}), "
          f"peak RSS {peak_rss_mib():,.0f} MiB")  # fmt: skip
    print("  published anchors: trafilatura 2.0.0 0.958, rs-trafilatura 0.970, AutoExtract 0.970")


if __name__ == "__main__":
    main()
