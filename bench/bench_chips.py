"""Entity chips of every event in kept eval stores, and the junk among them (issue 10 item 6).

Reads the SQLite stores ``newspulse eval briefing --keep DIR`` leaves and builds each
event's chips as its page does (``site_pages.render_event``).  Junk is counted by kind,
by rules of this script's own (not the chips module's) and a hand-made label file:
    outlet     a chip that is the name of any source in the store or of a dateline credit
    dateline   a chip in capitals opening a member paragraph as a dateline ("LONDON (Reuters) -")
    phrase     a chip listed in bench/chips_junk.txt (title-case phrases that are not names)
    duplicate  a second chip of one entity in one event (same once case, possessive and
               corporate suffix go; or one is the other's last word)
    python bench/bench_chips.py /tmp/ev-c0-ai /tmp/ev-c0-crypto /tmp/ev-c0-sports [--list]
"""

from __future__ import annotations

import inspect
import re
import sqlite3
import sys
from collections import Counter
from pathlib import Path

from common import ROOT
from newspulse.publish import views_pages
from newspulse.store.sql import SqlStore

SUFFIXES = {"inc", "corp", "corporation", "co", "ltd", "limited", "llc", "plc", "group"}
LABELS = ROOT / "bench" / "chips_junk.txt"


def norm(chip: str) -> str:
    words = re.sub(r"['\u2019]s\b", "", chip.lower()).replace(".", "").split()
    while len(words) > 1 and words[-1] in SUFFIXES:
        words.pop()
    return " ".join(words)


def kinds(
    chips: tuple[str, ...], outlets: set[str], texts: list[str], junk: set[str]
) -> Counter[str]:
    found: Counter[str] = Counter()
    seen: list[str] = []
    for chip in chips:
        key = norm(chip)
        if re.sub(r"\W", "", key) in outlets:
            found["outlet"] += 1
        elif chip.isupper() and any(
            re.search(
                rf"(?m)^\s*{re.escape(chip)}(?:,[^\n(]{{0,30}})?\s*\([^)\n]{{1,30}}\)\s*[-\u2013\u2014]",
                t,
            )
            for t in texts
        ):
            found["dateline"] += 1
        elif chip in junk:
            found["phrase"] += 1
        elif any(
            key == other or key == other.split()[-1] or other == key.split()[-1] for other in seen
        ):
            found["duplicate"] += 1
        seen.append(key)
    return found


def bodies(db: Path, ids: list[int]) -> dict[int, str]:
    with sqlite3.connect(db) as connection:
        marks = ",".join("?" * len(ids))
        rows = connection.execute(f"SELECT id, text FROM articles WHERE id IN ({marks})", ids)
        return {row[0]: row[1] or "" for row in rows}


def main(dirs: list[str], listing: bool) -> None:
    junk = {line.strip() for line in LABELS.read_text().splitlines() if line.strip()}
    for folder in dirs:
        db = next(Path(folder).glob("*.db"))
        store = SqlStore.open(f"sqlite:///{db}")
        outlets = {
            re.sub(r"\W", "", s.name.lower().removeprefix("www.").split(".")[0])
            for s in store.list_sources(kinds=("feed", "site", "corpus"))
        }
        outlets |= {
            re.sub(r"\W", "", a.source.lower().split(".")[0])
            for a in store.list_articles(limit=100_000)
        }
        total: Counter[str] = Counter()
        chips_count = events = 0
        for summary in store.list_events(limit=100_000):
            event = store.get_event(summary.id)
            if event is None:
                continue
            texts = bodies(db, [a.id for a in event.articles])
            credits = {
                re.sub(r"\W", "", c.lower())
                for t in texts.values()
                for c in re.findall(r"\(([A-Z][\w ]{1,20})\)\s*[-\u2013\u2014]", t)
            }
            # The page's own call; a tree before the chips read bodies takes no texts.
            takes_texts = "texts" in inspect.signature(views_pages.build_event).parameters
            view = (
                views_pages.build_event(event, (), texts)
                if takes_texts
                else views_pages.build_event(event, ())
            )
            chips = view.facts
            total += kinds(chips, outlets | credits, list(texts.values()), junk)
            chips_count += len(chips)
            events += 1
            if listing:
                print(f"{folder.rsplit('-', 1)[-1]:7} {event.id:4} | {' · '.join(chips)}")
        print(
            f"{folder}: events {events} chips {chips_count} junk {sum(total.values())} "
            + " ".join(f"{k} {total[k]}" for k in ("outlet", "dateline", "phrase", "duplicate"))
        )


if __name__ == "__main__":
    main([a for a in sys.argv[1:] if not a.startswith("--")], "--list" in sys.argv)
