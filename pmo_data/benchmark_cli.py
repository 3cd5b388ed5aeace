"""The ``benchmark`` subcommand: export this trust's snapshot, import peers' snapshots.

Why this module exists: sharing a snapshot must be scriptable and must say what it holds
before it writes anything (``--dry-run``), and peers' files must load through the versioned
store like any import (``pmo_data.benchmark``).

``python -m pmo_data benchmark export --fy 2025/26 [--as-at YYYY-MM-DD] --out DIR
[--dry-run] [--db PATH]`` prints the snapshot's contents, then (without ``--dry-run``) writes
``DIR/pmo-benchmark-<code>-2025-26.parquet`` and its ``.csv`` twin and prints their paths.
``python -m pmo_data benchmark import FILE_OR_FOLDER... [--db PATH]`` loads snapshots; one
line on stderr per refused file. Exit status: export 0 written (or previewed), 2 bad input or
no database; import 0 every file loaded, 1 some refused, 2 nothing loaded.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from pmo_data.db import Database, db_path_from_env
from pmo_data.parse import fy_of, parse_fy
from pmo_data.store import Store


def register(subparsers: Any) -> None:
    """Add ``benchmark export`` and ``benchmark import`` to an argparse subparsers object."""
    p = subparsers.add_parser("benchmark", help="share and load benchmarking snapshots",
                              description="Export this trust's anonymised benchmarking "
                              "snapshot, or import peer trusts' snapshots.")
    sub = p.add_subparsers(dest="benchmark_command", required=True)
    exp = sub.add_parser("export", help="write this trust's snapshot (Parquet + CSV)")
    exp.add_argument("--db", default=None)
    exp.add_argument("--fy", default=None, help="financial year, e.g. 2025/26 (default: the "
                     "FY of the as-at date)")
    exp.add_argument("--as-at", dest="as_at", default=None,
                     help="YYYY-MM-DD (default: the latest data date)")
    exp.add_argument("--out", default=None, help="folder to write into")
    exp.add_argument("--dry-run", action="store_true",
                     help="show what the snapshot holds and write nothing")
    exp.set_defaults(func=run_export)
    imp = sub.add_parser("import", help="load peer snapshots (files or folders)")
    imp.add_argument("paths", nargs="+")
    imp.add_argument("--db", default=None)
    imp.set_defaults(func=run_import)


def _fail(message: str) -> int:
    print(f"benchmark: {message}", file=sys.stderr)
    return 2


def run_export(args: argparse.Namespace) -> int:
    """Preview, then (unless --dry-run) write the snapshot; see the module docstring."""
    from pmo_data import benchmark, metrics

    if not args.dry_run and not args.out:
        return _fail("export: --out DIR is required (or --dry-run to preview)")
    as_at: date | None = None
    if args.as_at:
        try:
            as_at = date.fromisoformat(args.as_at.strip())
        except ValueError:
            return _fail(f"export: --as-at: not a date in YYYY-MM-DD form ({args.as_at})")
    fy = None
    if args.fy:
        try:
            fy = parse_fy(args.fy)
        except ValueError:
            fy = None
        if fy is None:
            return _fail(f"export: --fy: not a financial year ({args.fy})")
    try:
        org = benchmark.load_organisation()
    except benchmark.BenchmarkConfigError as exc:
        return _fail(f"export: {exc}")
    path = db_path_from_env(args.db)
    version = Store(path).current()
    if version is None:
        return _fail(f"no database at {path}: run python -m pmo_data import PATH...")
    with Database(version.path, version=version.number) as db:
        as_at = as_at or metrics.latest_data_date(db) or date.today()
        snapshot = benchmark.build_snapshot(db, fy or fy_of(as_at), as_at, org)
    lines = benchmark.preview_lines(snapshot)
    for line in lines:
        print(line, file=sys.stderr if line.startswith("warning:") else sys.stdout)
    if args.dry_run:
        print("dry run: nothing written")
        return 0
    for written in benchmark.write_snapshot(snapshot, Path(args.out)):
        print(written)
    return 0


def run_import(args: argparse.Namespace) -> int:
    """Load snapshots through the versioned store; see the module docstring."""
    from pmo_data import benchmark

    result = benchmark.import_paths([Path(p) for p in args.paths], db_path_from_env(args.db))
    for problem in result.problems:
        print(problem, file=sys.stderr)
    for line in result.summary_lines():
        print(line)
    return result.exit_code
