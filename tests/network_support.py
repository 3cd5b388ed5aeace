"""Fixtures for the Network tests: a small trust's database and a national-scale network."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from pmo_data import benchmark
from pmo_data.db import insert_rows
from pmo_data.store import Store

AS_AT = date(2026, 3, 31)


def trust_tables() -> dict[str, list[dict]]:
    """A trust whose shared metrics are all large enough not to be suppressed (FY 2025/26)."""
    projects = [{"project_id": f"P{i}", "project_name": f"Project {i}",
                 "service_group": "Medicine", "stage": "Delivery",
                 "start_date": date(2024, 4, 1), "planned_end_date": date(2027, 3, 31)}
                for i in range(9)]
    reports = [{"project_id": f"P{i}", "report_date": AS_AT - timedelta(days=3 * i),
                "overall_rag": "Green"} for i in range(7)]
    milestones = [{"project_id": "P1", "milestone_id": f"M{i}", "milestone": f"Step {i}",
                   "baseline_date": date(2025, 9, 1), "actual_date": date(2025, 8 + i // 6, 20)}
                  for i in range(11)]
    training = [{"staff_id": f"S{i}", "course": "Intro", "session_date": date(2025, 6, 2),
                 "attendance": "Attended" if i < 24 else "Did not attend"} for i in range(31)]
    raid = [{"raid_id": f"R{i}", "project_id": "P1", "raid_type": "Risk", "title": "t",
             "status": "Open", "likelihood": 5, "impact": 4, "raised_date": date(2025, 5, 1)}
            for i in range(7)]
    return {"projects": projects, "status_reports": reports, "milestones": milestones,
            "training": training, "raid": raid}


def trust_database(path: Path) -> Path:
    """``trust_tables`` published as version 1 of ``path``."""
    tables = trust_tables()
    Store(path).write(lambda con: [insert_rows(con, n, rows) for n, rows in tables.items()])
    return path


def national_rows(trusts: int = 200, years: int = 5, metrics: int = 30,
                  last_fy: int = 2025, seed: int = 1) -> pd.DataFrame:
    """A national network's snapshot rows (``benchmark.SNAPSHOT_COLUMNS``): ``trusts`` x
    ``years`` x ``metrics`` (the 10 shared metrics, then rates, counts and days)."""
    rng = random.Random(seed)
    codes = list(benchmark.SHARED_CODES)
    units = {c: ("%", "up") for c in ("HIGHLIGHT_COMPLIANCE", "MILESTONES_ON_TIME")}
    units["TRAINING_DNA_RATE"] = ("%", "down")
    units["MILESTONE_SLIPPAGE_DAYS"] = ("days", "down")
    units["BENEFITS_REALISED_GBP"] = ("£", "up")
    extra = [f"EXTRA_{i:02d}" for i in range(metrics - len(codes))]
    for i, code in enumerate(extra):
        units[code] = [("%", "up"), ("count", "up"), ("days", "down")][i % 3]
    rows = []
    for t in range(trusts):
        head = rng.randint(1500, 20000)
        for y in range(last_fy - years + 1, last_fy + 1):
            fy = f"{y}/{(y + 1) % 100:02d}"
            for code in codes + extra:
                unit, direction = units.get(code, ("count", "up"))
                num = den = None
                if unit == "%":
                    den = float(rng.randint(20, 3000))
                    num = float(round(den * rng.uniform(0.5, 0.95)))
                    value = 100 * num / den
                elif unit == "count":
                    value = float(rng.randint(5, 400))
                    num = value
                elif unit == "days":
                    value = float(rng.randint(-10, 60))
                else:
                    value = float(rng.randint(0, 5_000_000))
                rows.append({"schema_version": 1, "org_code": f"N{t:04d}",
                             "org_name": f"National Trust {t:03d}", "fy": fy,
                             "as_at": date(y + 1, 3, 31), "headcount": head, "code": code,
                             "value": value, "numerator": num, "denominator": den,
                             "unit": unit, "direction": direction, "target": None,
                             "suppressed": False})
    return pd.DataFrame(rows, columns=list(benchmark.SNAPSHOT_COLUMNS))


def load_rows(path: Path, frame: pd.DataFrame) -> None:
    """Publish ``frame`` into benchmark_snapshots as a new version (through the store)."""
    names = ", ".join(f'"{c}"' for c in benchmark.SNAPSHOT_COLUMNS)

    def change(con) -> None:  # noqa: ANN001 - a DuckDB connection
        con.register("_rows", frame)
        con.execute(f"INSERT INTO benchmark_snapshots ({names}) SELECT {names} FROM _rows")
        con.unregister("_rows")

    Store(path).write(change)
