"""Run every stage benchmark in turn (`make bench`); each prints throughput and peak memory."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCHMARKS = (
    ["bench_feeds.py"],
    ["bench_poll.py", "--min-delay", "0.25"],
    ["bench_extract.py", "--variants", "none"],
    ["bench_dedup.py"],
    ["bench_neardup.py"],
    ["bench_embed.py"],
    ["bench_cluster.py", "--sizes", "10000,100000"],
    ["bench_pipeline.py"],
    # The 1M-article point and PostgreSQL: `bench_store_growth.py` with its defaults (an hour).
    ["bench_store_growth.py", "--sizes", "10000,100000", "--backends", "sqlite"],
    ["bench_routing.py"],
    ["bench_write.py"],
    ["bench_rouge.py"],
    ["bench_publish.py", "--requests", "300"],
)


def main() -> int:
    here = Path(__file__).resolve().parent
    failed = 0
    for script, *args in BENCHMARKS:
        print(f"\n== {script} {' '.join(args)}", flush=True)
        failed += (
            subprocess.run([sys.executable, str(here / script), *args], check=False).returncode != 0
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
