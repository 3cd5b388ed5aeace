"""Benchmark of the Network page at national scale; prints the figures.

Run ``python bench/network_bench.py [--trusts 200] [--years 5] [--metrics 30] [--runs 5]``.
A national network (``tests/network_support.national_rows``: trusts x years x metrics peer
snapshot rows, loaded through the versioned store beside a small trust's own data) is
measured three ways: ``network.network`` (the page's one engine call, uncached: what the
first visitor after an import waits for), the page's first AppTest run, and its warm reruns
(cached engine call, charts and tables rebuilt; median and slowest of ``--runs``).
The Parquet size of the whole network in one file is printed too.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trusts", type=int, default=200)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--metrics", type=int, default=30)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    import duckdb
    from network_support import AS_AT, load_rows, national_rows, trust_database

    from pmo_data import network
    from pmo_data.db import Database
    from pmo_data.store import Store

    with tempfile.TemporaryDirectory(prefix="pmo-network-bench-") as tmp:
        folder = Path(tmp)
        db = trust_database(folder / "pmo.duckdb")
        frame = national_rows(args.trusts, args.years, args.metrics)
        load_rows(db, frame)
        parquet = folder / "network.parquet"
        con = duckdb.connect()
        con.from_df(frame).write_parquet(str(parquet))
        con.close()
        print(f"network: {args.trusts} trusts x {args.years} years x {args.metrics} metrics = "
              f"{len(frame):,} rows, {parquet.stat().st_size / 1024:,.0f} KB as one Parquet "
              "file")
        with Database(Store(db).current().path) as handle:
            started = time.perf_counter()
            network.network(handle, "2025/26", AS_AT, "RNN", "This trust", 6000)
            print(f"network.network (uncached): {(time.perf_counter() - started) * 1000:,.0f} ms")
        config = folder / "benchmark.toml"
        config.write_text('[organisation]\ncode = "RNN"\nname = "This trust"\n'
                          "headcount = 6000\n", encoding="utf-8")
        os.environ.update(PMO_DB=str(db), PMO_BENCHMARK_FILE=str(config), PMO_TESTING="1")
        from apptest_support import page

        at = page("network")
        for key, value in {"fy": "2025/26", "as_at": AS_AT,
                           "service_group": "All service groups",
                           "network_metric": "HIGHLIGHT_COMPLIANCE"}.items():
            at.session_state[key] = value
        started = time.perf_counter()
        at.run(timeout=600)
        print(f"page, first run: {(time.perf_counter() - started) * 1000:,.0f} ms")
        assert not at.exception, at.exception
        warm = []
        for _ in range(args.runs):
            started = time.perf_counter()
            at.run()
            warm.append((time.perf_counter() - started) * 1000)
        print(f"page, warm rerun: median {statistics.median(warm):,.0f} ms, slowest "
              f"{max(warm):,.0f} ms ({args.runs} runs; target 300 ms)")


if __name__ == "__main__":
    main()
