"""A small imported portfolio for the governance pages' AppTests (Benefits, Risks and
issues, Portfolio history, Estimate realism), and helpers to read what a page shows."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from pmo_data.db import Database
from pmo_data.store import Store

AS_AT = date(2026, 3, 15)

FILES = {
    "projects.csv": (
        "Project ID,Project Name,Service Group,Stage,Start Date,Planned Finish,"
        "Forecast Finish,Actual Finish,PMO Service,Shift\n"
        "P1,Alpha,Medicine,Delivery,01/01/2025,30/06/2026,29/08/2026,,Immersive PM,"
        "Analogue to digital\n"
        "P2,Beta,Surgery,Delivery,01/01/2025,30/06/2026,,,Coaching,\n"
        "P3,Gamma,Medicine,Closed,01/01/2025,11/04/2025,,01/05/2025,Immersive PM,\n"
        "P4,Delta,Surgery,Closed,01/01/2025,11/04/2025,,20/07/2025,Coaching,\n"
    ),
    "reports.csv": (
        "Project ID,Report Date,Overall RAG\n"
        "P1,31/01/2026,Green\n"
        "P1,28/02/2026,Red\n"
        "P2,31/01/2026,Red\n"
        "P2,28/02/2026,Green\n"
    ),
    "milestones.csv": (
        "Project ID,Milestone,Baseline Date,Actual\n"
        "P2,Go live,01/01/2026,\n"
    ),
    "benefits.csv": (
        "Benefit ID,Project ID,Description,Category,Target,Realised,Target Date,Owner,"
        "Measure,Baseline,Unit\n"
        "B1,P1,Save money,Cash-releasing,1000,400,30/06/2025,Ann,Pounds saved,0,£\n"
        "B2,P2,Cut waits,Quality,10,,31/12/2025,,Days waited,20,days\n"
        "B3,P2,Save more,Cash-releasing,500,500,01/04/2026,Bob,Pounds saved,0,£\n"
    ),
    "raid.csv": (
        "RAID ID,Project ID,Type,Title,Status,Likelihood,Impact,Review Date,Raised\n"
        "R1,P1,Risk,Supplier late,Open,5,4,01/03/2026,10/11/2025\n"
        "R2,P2,Risk,Staff leave,Open,2,3,,05/12/2025\n"
        "R3,P2,Issue,Server down,Open,,,01/02/2026,20/12/2025\n"
    ),
}


def governance_database(tmp_path: Path) -> Path:
    """Import ``FILES`` into ``tmp_path/pmo.duckdb``; return its path."""
    from pmo_data.ingest import import_files

    path = tmp_path / "pmo.duckdb"
    report = import_files([(name, text.encode()) for name, text in FILES.items()], path)
    assert report.version == 1 and not report.problems, report.problems
    return path


def engine(path: Path) -> Database:
    """The current version of the database, read-only (to compare with the page)."""
    version = Store(path).current()
    assert version is not None
    return Database(version.path)


def figures(at) -> list[dict]:  # noqa: ANN001 - AppTest
    """The plotly figures a page drew, as JSON dicts, in page order."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def metric(at, label: str) -> str:  # noqa: ANN001 - AppTest
    """The value shown by the metric tile with this label."""
    for tile in at.metric:
        if tile.label == label:
            return tile.value
    raise KeyError(label)
