"""The ``metrics`` subcommand: every catalogue metric for a year, as one JSON object.

Why this module exists: the command line is a contract that users and tests script
against (docs/contract.md), and it lets anyone check the dashboard's numbers without the
app. The numbers come from ``pmo_data.metrics.compute_all``, exactly as the pages and the
board pack show them.

``python -m pmo_data metrics [--db PATH] [--fy 2025/26] [--as-at YYYY-MM-DD]
[--service-group NAME] --json`` prints one JSON object: keys are the lower-case metric codes,
values ``{"name", "value", "target", "ytd_target", "unit", "direction", "fy", "as_at",
"freshness", "service_group", "previous"}`` (PORTFOLIO_RAG's value is a mapping of RAG to count,
with ``total``). Without ``--json`` it prints a plain table. The database is ``--db``, else
``PMO_DB``, else ``data/pmo.duckdb``, opened at its current version. Default as-at: the latest
data date; default FY: the FY of the as-at date. Bad input or no database: one line on stderr,
exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any

from pmo_data.db import Database, db_path_from_env
from pmo_data.metrics import MetricValue, compute_all, latest_data_date
from pmo_data.parse import fy_of, parse_fy
from pmo_data.store import Store


def register(subparsers: Any) -> None:
    """Add the ``metrics`` subcommand to an argparse subparsers object (sets ``func=run``)."""
    p = subparsers.add_parser(
        "metrics",
        help="compute the metric catalogue for a financial year",
        description="Compute every metric in the catalogue for a financial year, optionally "
        "for one service group, as at a date. Prints one JSON object with --json.",
    )
    p.add_argument("--db", default=None, help="database (default: PMO_DB or data/pmo.duckdb)")
    p.add_argument("--fy", default=None, help="financial year, e.g. 2025/26 (default: the FY "
                   "of the as-at date)")
    p.add_argument("--as-at", dest="as_at", default=None,
                   help="YYYY-MM-DD (default: the latest data date)")
    p.add_argument("--service-group", dest="service_group", default=None,
                   help="only this service group (case-insensitive)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run)


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    """Compute and print the metrics; 0 on success, 2 on bad input or no database."""
    as_at: date | None = None
    if args.as_at is not None:
        try:
            as_at = date.fromisoformat(args.as_at.strip())
        except ValueError:
            return _fail(f"metrics: --as-at: not a date in YYYY-MM-DD form ({args.as_at})")
    fy: str | None = None
    if args.fy is not None:
        try:
            fy = parse_fy(args.fy)
        except ValueError as exc:
            return _fail(f"metrics: --fy: {exc} ({args.fy})")
        if fy is None:
            return _fail(f"metrics: --fy: no financial year given ({args.fy})")

    path = db_path_from_env(args.db)
    version = Store(path).current()
    if version is None:
        return _fail(f"no database at {path}: run python -m pmo_data import PATH... "
                     f"--db {path}")
    with Database(version.path, version=version.number) as db:
        as_at = as_at or latest_data_date(db) or date.today()
        values = compute_all(db, fy or fy_of(as_at), as_at, args.service_group)
    if args.json:
        print(json.dumps({code.lower(): mv.to_dict() for code, mv in values.items()}))
    else:
        for line in _table(values):
            print(line)
    return 0


def _show(value: Any, unit: str = "") -> str:
    if value is None:
        return "no data"
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    text = f"{value:,.1f}" if isinstance(value, float) and not value.is_integer() else (
        f"{value:,.0f}" if isinstance(value, float) else str(value))
    if unit == "£":
        return f"£{text}"
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit}" if unit and unit != "count" else text


def _table(values: dict[str, MetricValue]) -> list[str]:
    lines = []
    for mv in values.values():
        shown = _show(mv.to_dict()["value"], mv.unit)
        target = "" if mv.target is None else f"  (target {_show(mv.target, mv.unit)})"
        lines.append(f"{mv.code:<26}{shown}{target}")
    first = next(iter(values.values()), None)
    if first is not None:
        lines.insert(0, f"{first.fy} as at {first.as_at.isoformat()}"
                        + (f", {first.service_group}" if first.service_group else ""))
    return lines
