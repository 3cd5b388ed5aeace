"""``python -m pmo_data board-pack``: write the board pack's three files from the command line.

Why this module exists: board papers are often prepared on a schedule (or by someone without
the app open); the same engine as the Board pack page, ``pmo_data.pack.build_pack``, writes
the PowerPoint, HTML and XLSX into a folder and prints their paths. ``pmo_data.cli`` registers
this subcommand when the module exists.

Exit codes: 0 written; 2 bad input (no database, unknown financial year).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from pmo_data.db import db_path_from_env


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form ({text})") from None


def _cmd_board_pack(args: argparse.Namespace) -> int:
    from pmo_data import metrics
    from pmo_data.db import Database
    from pmo_data.pack import build_pack
    from pmo_data.parse import fy_of, parse_fy
    from pmo_data.store import Store

    name = db_path_from_env(args.db)
    version = Store(name).current()
    path = version.path if version else name
    if not path.exists():
        print(f"board-pack: no database at {name}; run `python -m pmo_data import` first",
              file=sys.stderr)
        return 2
    try:
        fy = parse_fy(args.fy) if args.fy else None
    except ValueError as exc:
        print(f"board-pack: --fy: {exc} ({args.fy})", file=sys.stderr)
        return 2
    with Database(path) as db:
        as_at = args.as_at or metrics.latest_data_date(db) or date.today()
        pack = build_pack(db, fy or fy_of(as_at), as_at, out_dir=args.out,
                          service_group=args.service_group)
    for written in pack.paths:
        print(written)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``board-pack`` subcommand to ``python -m pmo_data``."""
    cmd = subparsers.add_parser(
        "board-pack", help="write the board pack (PowerPoint, HTML, XLSX) into a folder")
    cmd.add_argument("--db", default=None, help="database (default: PMO_DB or data/pmo.duckdb)")
    cmd.add_argument("--fy", default=None,
                     help="financial year, e.g. 2025/26 (default: the as-at date's)")
    cmd.add_argument("--as-at", type=_iso_date, default=None,
                     help="YYYY-MM-DD (default: the latest data date)")
    cmd.add_argument("--service-group", default=None, help="one service group (default: all)")
    cmd.add_argument("--out", required=True, help="folder to write the three files into")
    cmd.set_defaults(func=_cmd_board_pack)
