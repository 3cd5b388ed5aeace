"""Argument parsing and the command implementations behind ``python -m pmo_data``.

Exit codes for import and validate: 0 every row loaded, 1 some rows rejected,
2 nothing loaded. Other commands: 0 success, 2 bad input. Every command that reads the
database takes ``--db``, else ``PMO_DB``, else ``data/pmo.duckdb``.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from pmo_data.db import db_path_from_env
from pmo_data.sealed import UnsealedVersion


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form ({text})") from None


def _cmd_demo(args: argparse.Namespace) -> int:
    from pmo_data.demo import write_demo_exports
    from pmo_data.demo_peers import write_peer_snapshots

    as_at = args.as_at or date.today()
    paths = write_demo_exports(Path(args.out), as_at=as_at, seed=args.seed, scale=args.scale)
    peers = Path(args.peers_out) if args.peers_out else Path(args.out).parent / "peers"
    paths += write_peer_snapshots(peers, as_at=as_at, seed=args.seed)  # benchmarking
    for path in paths:
        print(path)
    return 0


def _cmd_import(args: argparse.Namespace, *, dry_run: bool) -> int:
    from pmo_data.ingest import import_paths
    from pmo_data.profiles import ProfileError
    from pmo_data.profiles_cli import mapping_from_args

    db = db_path_from_env(getattr(args, "db", None))
    try:
        mapping = mapping_from_args(args, db)  # --profile / --set (import profiles)
    except (ProfileError, ValueError) as exc:
        print(f"{args.command}: {exc}", file=sys.stderr)
        return 2
    report = import_paths(args.paths, db, strict=getattr(args, "strict", False),
                          dry_run=dry_run, mapping=mapping,
                          force=getattr(args, "force", False))
    for problem in report.problems:
        print(problem.line(), file=sys.stderr)
    for line in report.summary_lines():
        print(line)
    return report.exit_code


def _cmd_rollback(args: argparse.Namespace) -> int:
    from pmo_data.store import Store, StoreError

    store = Store(db_path_from_env(args.db))
    try:
        version = store.rollback(args.to)
    except StoreError as exc:
        print(f"rollback: {exc}", file=sys.stderr)
        return 2
    print(f"current version is now {version.number} ({version.path.name})")
    return 0


def _cmd_versions(args: argparse.Namespace) -> int:
    from pmo_data.store import Store

    store = Store(db_path_from_env(args.db))
    current = store.current()
    for version in store.versions():
        mark = "*" if current and version.number == current.number else " "
        print(f"{mark} {version.number}\t{version.path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The ``python -m pmo_data`` argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(prog="python -m pmo_data",
                                     description="PMO analytics dashboard: data tools")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="write the demo exports of a fictional trust")
    demo.add_argument("--out", default="data/sample")
    demo.add_argument("--as-at", type=_iso_date, default=None, help="YYYY-MM-DD (default today)")
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument("--scale", type=int, default=1)
    demo.add_argument("--peers-out", dest="peers_out", default=None,
                      help="where the 12 fictional peer trusts' benchmarking snapshots go "
                           "(default: peers/ beside --out)")
    demo.set_defaults(func=_cmd_demo)

    imp = sub.add_parser("import", help="validate and load files or folders")
    imp.add_argument("paths", nargs="+")
    imp.add_argument("--db", default=None)
    imp.add_argument("--strict", action="store_true", help="load nothing if any row fails")
    imp.add_argument("--force", action="store_true",
                     help="load even when most of a source's rows were rejected and the load "
                          "would replace what the database holds with far fewer rows")
    imp.set_defaults(func=lambda a: _cmd_import(a, dry_run=False))

    val = sub.add_parser("validate", help="report as import would, write nothing")
    val.add_argument("paths", nargs="+")
    val.set_defaults(func=lambda a: _cmd_import(a, dry_run=True))
    from pmo_data.profiles_cli import add_import_options

    for command in (imp, val):
        add_import_options(command)  # --profile NAME, --set COLUMN=VALUE

    rb = sub.add_parser("rollback", help="serve the previous database version again")
    rb.add_argument("--db", default=None)
    rb.add_argument("--to", type=int, default=None, help="version number (default: previous)")
    rb.set_defaults(func=_cmd_rollback)

    ver = sub.add_parser("versions", help="list the kept database versions")
    ver.add_argument("--db", default=None)
    ver.set_defaults(func=_cmd_versions)

    for module in ("pmo_data.spc_cli", "pmo_data.metrics_cli", "pmo_data.export_cli",
                   "pmo_data.profiles_cli", "pmo_data.benchmark_cli"):
        try:
            register = __import__(module, fromlist=["register"]).register
        except ModuleNotFoundError:
            continue
        register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("interrupted; nothing was changed", file=sys.stderr)
        return 130
    except UnsealedVersion as exc:  # a published version changed after publishing
        print(f"{args.command}: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # last resort: one line, never a traceback
        print(f"{args.command}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
