"""Language detection accuracy per language and speed on the MMDS dev split.

The split's articles carry no language field; the gold language is the one the
dataset notes count by (DATASET.md: script and keywords, as
``evaluation.datasets.is_english`` does): CJK script → zh, English function words
ahead of Indonesian ones → en, else "ms/id" (mostly Malay, see ``ACCEPTED``).  Each
detector reads title + text, then the title alone (the short-text case, where "und"
is the right answer more often than a guess).  Prints accuracy, wrong and "und"
counts per language and texts/s per detector.  Detectors other than ours run only
when importable (``--path`` adds a folder of extra packages, e.g. langdetect or
lingua installed with ``pip --target``).

    python bench/bench_language.py [--mmds ../shared/data/mmds2025-event-clusters]
                                   [--path /tmp/extra-packages]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from common import SHARED
from newspulse.evaluation.datasets import CJK, MMDS_FILE, is_english
from newspulse.text.language import UNDETERMINED, detect_language, identifier

Detector = Callable[[str, str], str]
# DATASET.md counts the split's Latin-script non-English articles as Indonesian; read, most
# are Malay (Singapore and Malaysian outlets: "SINGAPURA:", kerajaan, berkata, daripada,
# beliau, polis, wang), so either code is right for them.
ACCEPTED = {"ms/id": {"ms", "id"}}


def gold_language(title: str, text: str) -> str:
    joined = f"{title} {text}"
    if CJK.search(joined):
        return "zh"
    return "en" if is_english(joined) else "ms/id"


def load(folder: Path) -> list[tuple[str, str, str]]:
    rows = [json.loads(line) for line in (folder / MMDS_FILE).open(encoding="utf-8")]
    return [
        (row["title"], row["text"], gold_language(row["title"], row["text"]))
        for row in rows
        if row["split"] == "dev"
    ]


def raw_argmax(title: str, text: str) -> str:
    """py3langid's own answer, no floor, no folding of varieties."""
    code: str = identifier().classify(f"{title}\n{text}")[0]
    return code


def detectors() -> dict[str, Detector]:
    found: dict[str, Detector] = {
        "newspulse (py3langid 0.4.0, floor)": detect_language,
        "py3langid 0.4.0 raw argmax": raw_argmax,
    }
    try:
        import langdetect  # type: ignore[import-not-found]

        langdetect.DetectorFactory.seed = 0

        def by_langdetect(title: str, text: str) -> str:
            try:
                code: str = langdetect.detect(f"{title}\n{text}")
            except langdetect.LangDetectException:
                return UNDETERMINED
            return code.split("-")[0]

        found["langdetect 1.0.9"] = by_langdetect
    except ImportError:
        pass
    try:
        from lingua import LanguageDetectorBuilder  # type: ignore[import-not-found]

        lingua = LanguageDetectorBuilder.from_all_languages().build()

        def by_lingua(title: str, text: str) -> str:
            language = lingua.detect_language_of(f"{title}\n{text}")
            return language.iso_code_639_1.name.lower() if language else UNDETERMINED

        found["lingua 2.1.1 (all languages)"] = by_lingua
    except ImportError:
        pass
    return found


def measure(name: str, detect: Detector, rows: list[tuple[str, str, str]]) -> None:
    for label, texts in (
        ("title+text", [(title, text) for title, text, _ in rows]),
        ("title only", [(title, "") for title, _, _ in rows]),
    ):
        detect(*texts[0])  # load the model outside the timing
        started = time.perf_counter()
        found = [detect(title, text) for title, text in texts]
        seconds = time.perf_counter() - started
        tally: dict[str, Counter[str]] = {}
        for (_, _, gold), guess in zip(rows, found, strict=True):
            right = guess in ACCEPTED.get(gold, {gold})
            verdict = "right" if right else "und" if guess == UNDETERMINED else guess
            tally.setdefault(gold, Counter())[verdict] += 1
        parts = []
        for gold in sorted(tally):
            counts = tally[gold]
            total = sum(counts.values())
            wrong = {k: v for k, v in counts.items() if k not in ("right", "und")}
            guesses = Counter(g for (_, _, gd), g in zip(rows, found, strict=True) if gd == gold)
            split = f" as {dict(sorted(guesses.items()))}" if gold in ACCEPTED else ""
            parts.append(
                f"{gold} {counts['right']}/{total} ({counts['right'] / total:.1%}){split} "
                f"und {counts['und']} wrong {wrong or 0}"
            )
        print(f"{name:<36} {label:<10} {len(texts) / seconds:>8.0f} texts/s  " + "; ".join(parts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mmds", type=Path, default=SHARED / "data/mmds2025-event-clusters")
    parser.add_argument("--path", type=Path, action="append", default=[])
    options = parser.parse_args()
    sys.path.extend(str(path) for path in options.path)
    rows = load(options.mmds)
    print(f"MMDS dev: {len(rows)} articles, gold {dict(Counter(g for _, _, g in rows))}")
    for name, detect in detectors().items():
        measure(name, detect, rows)


if __name__ == "__main__":
    main()
