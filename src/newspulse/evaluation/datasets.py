"""Gold event clusters from ``shared/data`` as ``ClusterRecord``s plus gold labels.

- ``mmds2025-event-clusters`` (Zhang et al., ACL 2025), dev split: 209 articles in 50
  events plus a catch-all group of unrelated articles, which count as singletons
  (the dataset's suggested option).  The split mixes English, Chinese and
  Indonesian; the embedding model is English-only, so only English articles are kept
  (137 here; DATASET.md counts 138 by its own heuristic) and events are scored on
  their English members.
- ``neus-allsides`` (Lee et al., NAACL 2022), ``probe`` train and val splits: stories
  of three articles from left, centre and right outlets.  The file lists each
  story's articles together, which no stream does, so records are shuffled with a
  fixed seed.  There are no dates: every story shares one window, a far denser
  stream than real news, where a story competes only with the stories of its weeks.

Also reads the small slices copied into ``tests/data/clustering`` (same JSONL as the
cluster command plus a ``gold`` field).
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newspulse.evaluation.records import ClusterRecord, RecordId, parse_time

MMDS_FILE = "derived_clustering_gold.jsonl"
NEUS_FILE = "derived_probe_clusters.jsonl"
CJK = re.compile(r"[\u3400-\u9fff]")
WORD = re.compile(r"[a-z]+")
# Function words counted to tell English from Indonesian (the split's other Latin-script language).
ENGLISH_WORDS = frozenset({"the", "and", "of", "to", "in", "is", "was", "for", "that", "with"})
INDONESIAN_WORDS = frozenset(
    {"yang", "dan", "di", "dengan", "untuk", "dari", "ini", "itu", "pada", "dalam", "tidak"}
)
SHUFFLE_SEED = 0


@dataclass(frozen=True, slots=True)
class GoldSet:
    name: str
    records: tuple[ClusterRecord, ...]
    gold: dict[RecordId, str]

    @property
    def events(self) -> int:
        return len(set(self.gold.values()))


def is_english(text: str) -> bool:
    """No CJK script, and English function words outnumber Indonesian ones."""
    if CJK.search(text):
        return False
    words = WORD.findall(text.lower())
    english = sum(word in ENGLISH_WORDS for word in words)
    return english > sum(word in INDONESIAN_WORDS for word in words)


def load_mmds(folder: Path, *, split: str = "dev", english_only: bool = True) -> GoldSet:
    records: list[ClusterRecord] = []
    gold: dict[RecordId, str] = {}
    for row in read_jsonl(folder / MMDS_FILE):
        if row["split"] != split:
            continue
        if english_only and not is_english(f"{row['title']} {row['text']}"):
            continue
        record_id = str(row["article_id"])
        records.append(ClusterRecord(record_id, row["title"], row["text"]))
        gold[record_id] = f"single-{record_id}" if row["in_catchall_cluster"] else row["cluster"]
    name = f"mmds2025 {split}" + (" (English)" if english_only else "")
    return GoldSet(name, tuple(records), gold)


def load_neus(
    folder: Path, *, splits: Iterable[str] = ("train", "val"), seed: int = SHUFFLE_SEED
) -> GoldSet:
    wanted = tuple(splits)
    records: list[ClusterRecord] = []
    gold: dict[RecordId, str] = {}
    for row in read_jsonl(folder / NEUS_FILE):
        if row["split"] not in wanted:
            continue
        for position, article in enumerate(row["articles"]):
            record_id = f"{row['cluster_id']}-{position}"
            records.append(ClusterRecord(record_id, article["title"], article["text"]))
            gold[record_id] = row["cluster_id"]
    random.Random(seed).shuffle(records)
    return GoldSet(f"neus-allsides {'+'.join(wanted)}", tuple(records), gold)


def load_corpus(folder: Path) -> GoldSet:
    """A bundled corpus (``examples/corpus/<name>``) with its query groups as rough gold events.

    Records carry the corpus's date where it has one (undated ones stream after the dated
    record before them, as ``newspulse cluster`` orders them) and its source.
    """
    groups = {
        row["url"]: str(row["query_group"]) for row in read_jsonl(folder / "query_groups.jsonl")
    }
    records: list[ClusterRecord] = []
    gold: dict[RecordId, str] = {}
    for row in read_jsonl(folder / "articles.jsonl"):
        if row["url"] not in groups:
            continue
        published = parse_time(row["published"]) if row.get("published") else None
        records.append(
            ClusterRecord(row["url"], row["title"], row["text"], published, row.get("source", ""))
        )
        gold[row["url"]] = groups[row["url"]]
    return GoldSet(f"corpus {folder.name}", tuple(records), gold)


def load_slice(path: Path, name: str | None = None) -> GoldSet:
    """A gold slice: cluster-command records with a ``gold`` label each, in file order."""
    records: list[ClusterRecord] = []
    gold: dict[RecordId, str] = {}
    for row in read_jsonl(path):
        published = parse_time(row["published"]) if row.get("published") else None
        records.append(ClusterRecord(row["id"], row["title"], row["text"], published))
        gold[row["id"]] = str(row["gold"])
    return GoldSet(name or path.stem, tuple(records), gold)


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)
