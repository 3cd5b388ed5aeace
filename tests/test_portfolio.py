"""Unit tests of the Portfolio delivery engine on a small register worked out by hand.

The fixture is evaluated at 30 June 2025 (FY 2025/26). Every expected answer is derived in a
comment from the rows below, so a reader can check it without running anything.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from pmo_data import metrics
from pmo_data import portfolio as pf
from pmo_data.db import Database, build_database
from pmo_data.schema import RAG_ORDER

FY = "2025/26"
AT = date(2025, 6, 30)

PROJECTS = [
    # id, name, group, stage, start, planned end, forecast end, actual end, PM, SRO
    ("P1", "Alpha ward", "Surgery", "Delivery", "2024-01-01", "2025-12-31", "2026-01-30", None,
     "Ann", "Sam"),  # slippage +30
    ("P2", "Beta theatres", "Surgery", "Planning", "2025-01-01", "2026-03-31", None, None,
     "Bob", "Sam"),  # no forecast: slippage unknown
    ("P3", "Gamma clinic", "Medicine", "Initiation", "2025-06-01", "2026-06-30", "2026-06-20",
     None, "Ann", "Sue"),  # -10 (early)
    ("P4", "Delta closed", "Medicine", "Closed", "2023-01-01", "2024-12-31", "2025-01-15",
     "2025-02-14", "Cat", "Sue"),  # actual wins: +45
    ("P5", "Epsilon later", "Medicine", "Delivery", "2025-07-10", "2026-01-01", None, None,
     "dan", "Sue"),  # starts after 30 June: not active yet
    ("P6", "Zeta idea", "Surgery", "Pipeline", "2025-09-01", "2026-09-01", None, None, None,
     None),  # pipeline, future start: listed only when Pipeline is chosen
    ("P7", "Eta pathway", "medicine ", "Closure", "2024-03-01", "2025-05-31", "2025-08-31", None,
     "Cat", "Sue"),  # +92; group spelt differently
    ("P8", "Theta beds", "Surgery", "Delivery", "2024-06-01", "2025-09-30", None, None, "Bob",
     "Sam"),
]

REPORTS = [
    # project, date, overall, schedule, summary, achievements, next steps
    ("P1", "2025-04-30", "Amber", "Green", "S1 old", "A1", None),
    ("P1", "2025-05-31", "Red", "Red", None, None, None),  # latest at 30 June: no words
    ("P1", "2025-07-31", "Green", None, "future", None, None),  # after the date: ignored
    ("P2", "2025-05-15", "Green", "Amber", "On plan", None, "Order kit"),
    ("P4", "2025-01-31", "Blue", None, None, None, None),
    ("P7", "2025-03-31", "Red", None, None, None, None),
    ("P7", "2025-06-30", "Amber/Green", None, None, None, None),  # better, within 31 days
    ("P8", "2025-01-31", "Green", None, None, None, None),
    ("P8", "2025-02-28", "Red", None, None, None, None),  # worse, but long ago
    # P3 has no report: Not reported
]

MILESTONES = [
    # project, milestone, baseline, forecast, actual
    ("P1", "M1", "2025-05-01", None, "2025-04-30"),  # achieved in FY: -1 (early)
    ("P1", "M2", "2025-05-01", None, "2025-05-01"),  # 0 (on time)
    ("P1", "M3", "2025-06-01", "2025-05-20", "2025-06-11"),  # actual wins: +10
    ("P1", "M9", "2025-07-01", None, "2025-07-15"),  # achieved after the date: left out
    ("P2", "M4", "2025-03-01", None, "2025-03-31"),  # achieved in FY 2024/25: left out
    ("P3", "M5", "2025-09-01", "2025-10-11", None),  # open: +40
    ("P3", "M6", "2025-10-01", None, None),  # open, no forecast: counted apart
    ("P7", "M7", "2025-01-01", "2025-12-31", None),  # open: +364
    ("P4", "M8", "2024-06-01", None, "2025-06-15"),  # closed project: not selected
    ("PX", "M10", "2025-05-01", "2025-05-02", None),  # project not in the register
]

RAID = [
    # id, project, type, title, status, likelihood, impact
    ("R1", "P1", "Risk", "Staff leave", "Open", 4, 4),  # score 16
    ("R2", "P1", "Issue", "Late kit", "Closed", None, None),
    ("R3", "P1", "Risk", "Budget", "Open", 2, 2),  # score 4
    ("R4", "P2", "Risk", "Other project", "Open", 5, 5),
]

BENEFITS = [
    # id, project, category, target, realised, target date
    ("B1", "P1", "Cash-releasing", 1000.0, 250.0, "2025-12-31"),
    ("B2", "P2", "Quality", 5.0, None, "2026-03-31"),
]


def portfolio_tables() -> dict[str, list[dict[str, Any]]]:
    """The fixture as insert_rows dicts (also used by the AppTests)."""
    return {
        "projects": [dict(project_id=p, project_name=n, service_group=g, stage=s,
                          start_date=st, planned_end_date=pe, forecast_end_date=fe,
                          actual_end_date=ae, project_manager=pm, sro=sro,
                          budget_gbp=1234.4 if p == "P1" else None)
                     for p, n, g, s, st, pe, fe, ae, pm, sro in PROJECTS],
        "status_reports": [dict(project_id=p, report_date=d, overall_rag=r, schedule_rag=sr,
                                summary=su, achievements=ac, next_steps=ns, author="PM")
                           for p, d, r, sr, su, ac, ns in REPORTS],
        "milestones": [dict(project_id=p, milestone=m, baseline_date=b, forecast_date=f,
                            actual_date=a) for p, m, b, f, a in MILESTONES],
        "raid": [dict(raid_id=i, project_id=p, raid_type=t, title=ti, status=s, likelihood=li,
                      impact=im) for i, p, t, ti, s, li, im in RAID],
        "benefits": [dict(benefit_id=i, project_id=p, description=f"Benefit {i}", category=c,
                          target_value=t, realised_value=r, target_date=d)
                     for i, p, c, t, r, d in BENEFITS],
    }


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    path = build_database(tmp_path_factory.mktemp("portfolio") / "p.duckdb", portfolio_tables())
    with Database(path) as handle:
        yield handle


# --- selection, table and counts ------------------------------------------------------------


def test_default_table_lists_started_active_projects_worst_rag_first(db: Database) -> None:
    table = pf.project_table(db, AT)
    # Active stages and started by 30 June: P1, P2, P3, P7, P8 (P5 starts 10 July).
    # Latest RAG on or before 30 June: P1 Red (31 May), P8 Red, P7 Amber/Green, P2 Green,
    # P3 none -> Not reported. Worst first, then by ID.
    assert list(table["project_id"]) == ["P1", "P8", "P7", "P2", "P3"]
    assert list(table["overall_rag"]) == ["Red", "Red", "Amber/Green", "Green", "Not reported"]
    assert list(table.columns) == list(pf.PROJECT_COLUMNS)
    slip = dict(zip(table["project_id"], table["slippage_days"], strict=True))
    # P1 30 Jan 2026 - 31 Dec 2025 = 30; P7 31 Aug - 31 May 2025 = 92; P3 20 - 30 June = -10.
    assert (slip["P1"], slip["P7"], slip["P3"]) == (30, 92, -10)
    assert slip["P2"] is pd.NA and slip["P8"] is pd.NA  # no forecast: unknown, not 0
    # reason: the latest summary on or before 30 June (P1's 31 May report has none, so its
    # 30 April "S1 old"; "future" of 31 July is after the date); none given: missing
    reason = dict(zip(table["project_id"], table["reason"], strict=True))
    assert (reason["P1"], reason["P2"]) == ("S1 old", "On plan")
    assert pd.isna(reason["P8"]) and pd.isna(reason["P3"])


def test_default_selection_matches_the_catalogue(db: Database) -> None:
    values = metrics.compute_all(db, FY, AT)
    assert len(pf.project_table(db, AT)) == values["ACTIVE_PROJECTS"].value == 5
    assert pf.rag_counts(db, AT) == dict(values["PORTFOLIO_RAG"].breakdown)
    medicine = metrics.compute_all(db, FY, AT, "Medicine")
    assert pf.rag_counts(db, AT, "Medicine") == dict(medicine["PORTFOLIO_RAG"].breakdown)


def test_rag_counts_list_every_rag_in_order(db: Database) -> None:
    counts = pf.rag_counts(db, AT)
    assert list(counts) == list(RAG_ORDER)
    # Red P1, P8; Amber/Green P7; Green P2; Not reported P3.
    assert counts == {"Red": 2, "Amber/Red": 0, "Amber": 0, "Amber/Green": 1, "Green": 1,
                      "Blue": 0, "Not reported": 1}


@pytest.mark.parametrize(("group", "selection", "expected"), [
    ("Medicine", None, ["P7", "P3"]),  # "medicine " matches, ignoring case and spaces
    (" SURGERY", None, ["P1", "P8", "P2"]),
    (None, pf.ProjectFilter(project_manager="Ann"), ["P1", "P3"]),
    (None, pf.ProjectFilter(sro="Sue"), ["P7", "P3"]),
    (None, pf.ProjectFilter(rags=("Red", "Not reported")), ["P1", "P8", "P3"]),
    (None, pf.ProjectFilter(search="GAM"), ["P3"]),  # name, case-insensitive
    (None, pf.ProjectFilter(search=" p7 "), ["P7"]),  # ID, trimmed
    (None, pf.ProjectFilter(search="   "), ["P1", "P8", "P7", "P2", "P3"]),  # blank: all
    # Every stage: P4 (Closed, Blue) and P6 (Pipeline, future start) join; P5 is an active
    # stage not started by 30 June, so it stays out.
    (None, pf.ProjectFilter(stages=pf.STAGE_ORDER), ["P1", "P8", "P7", "P2", "P4", "P3", "P6"]),
    (None, pf.ProjectFilter(stages=("On hold",)), []),
])
def test_filters(db: Database, group: str | None, selection: pf.ProjectFilter | None,
                 expected: list[str]) -> None:
    assert list(pf.project_table(db, AT, group, selection)["project_id"]) == expected


def counts_in_duckdb(db: Database, at: date, group: str | None,
                     selection: pf.ProjectFilter | None) -> tuple[dict, pd.DataFrame, dict]:
    """An oracle for ``project_view``'s counts, counted by DuckDB on the same selection
    (``pf._SELECTED``) instead of in Python: RAG counts, RAG by merged group, stage counts."""
    def rows(sql: str, chosen: pf.ProjectFilter | None) -> list[tuple]:
        params = {**pf._params(at, group, chosen), "rag_order": list(RAG_ORDER)}
        return db.rows(sql, pf._bound(sql, params))

    by_rag = dict(rows(f"WITH {pf._SELECTED} SELECT overall_rag, count(*) FROM sel "
                       "GROUP BY 1", selection))
    by_group = pd.DataFrame(rows(f"""
        WITH {pf._SELECTED}
        SELECT min(name) OVER (PARTITION BY grp), overall_rag, projects
        FROM (SELECT lower(grp) AS grp, min(grp) AS name, overall_rag, count(*) AS projects
              FROM (SELECT coalesce(nullif(trim(service_group), ''), 'Not stated') AS grp,
                           overall_rag FROM sel)
              GROUP BY lower(grp), overall_rag)
        ORDER BY grp, list_position(CAST($rag_order AS VARCHAR[]), overall_rag)""", selection),
        columns=["service_group", "overall_rag", "projects"])
    chosen = selection or pf.ProjectFilter()
    every = pf.ProjectFilter(pf.STAGE_ORDER, chosen.rags, chosen.project_manager, chosen.sro,
                             chosen.search)
    by_stage = dict(rows(f"WITH {pf._SELECTED} SELECT stage, count(*) FROM sel GROUP BY 1",
                         every))
    return by_rag, by_group, by_stage


def assert_view_matches_duckdb(db: Database, at: date, group: str | None,
                               selection: pf.ProjectFilter | None) -> pf.ProjectView:
    view = pf.project_view(db, at, group, selection)
    by_rag, by_group, by_stage = counts_in_duckdb(db, at, group, selection)
    # (an empty answer may differ in column dtypes only: DuckDB sends object columns)
    pd.testing.assert_frame_equal(view.table, pf.project_table(db, at, group, selection),
                                  check_dtype=len(view.table) > 0)
    assert view.rag_counts == {**{rag: 0 for rag in RAG_ORDER}, **by_rag}
    assert list(view.rag_counts)[:len(RAG_ORDER)] == list(RAG_ORDER)
    assert [tuple(r) for r in view.by_group.itertuples(index=False)] == [
        tuple(r) for r in by_group.itertuples(index=False)]
    assert list(view.pipeline["stage"]) == list(pf.STAGE_ORDER)
    assert list(view.pipeline["projects"]) == [by_stage.get(s, 0) for s in pf.STAGE_ORDER]
    return view


@pytest.mark.parametrize(("group", "selection", "at"), [
    (None, None, AT),
    ("Medicine", None, AT),
    (" SURGERY", pf.ProjectFilter(rags=("Red", "Not reported")), AT),
    (None, pf.ProjectFilter(stages=("Delivery",)), AT),
    (None, pf.ProjectFilter(stages=pf.STAGE_ORDER), AT),
    (None, pf.ProjectFilter(stages=("On hold",)), AT),  # nothing listed
    (None, pf.ProjectFilter(stages=("Delivery", "Not a stage")), AT),
    (None, pf.ProjectFilter(project_manager="Ann", search="a"), AT),
    ("Nowhere", None, AT),  # nothing at all
    (None, None, date(2025, 5, 31)),
])
def test_project_view_counts_equal_duckdbs(db: Database, group: str | None,
                                           selection: pf.ProjectFilter | None,
                                           at: date) -> None:
    assert_view_matches_duckdb(db, at, group, selection)


def test_earlier_date_changes_rag_and_who_has_started(db: Database) -> None:
    # At 31 May: P3 (starts 1 June) is not active; P7's latest is its 31 March Red.
    table = pf.project_table(db, date(2025, 5, 31))
    assert dict(zip(table["project_id"], table["overall_rag"], strict=True)) == {
        "P1": "Red", "P8": "Red", "P7": "Red", "P2": "Green"}


def test_evaluation_date_caps_at_the_fy_end() -> None:
    assert pf.evaluation_date("2025/26", AT) == AT
    assert pf.evaluation_date("2024/25", AT) == date(2025, 3, 31)
    assert pf.evaluation_date("FY26/27", AT) == AT  # a future FY: the as-at date itself
    with pytest.raises(ValueError):
        pf.evaluation_date("", AT)


def test_filter_options(db: Database) -> None:
    everyone = pf.filter_options(db)
    assert everyone.stages == pf.STAGE_ORDER
    assert everyone.rags == RAG_ORDER
    assert everyone.project_managers == ("Ann", "Bob", "Cat", "dan")  # case-insensitive sort
    assert everyone.sros == ("Sam", "Sue")
    surgery = pf.filter_options(db, "surgery")
    assert surgery.project_managers == ("Ann", "Bob")  # P6 has none


# --- chart data -----------------------------------------------------------------------------


def test_rag_by_group_merges_spellings(db: Database) -> None:
    frame = pf.rag_by_group(db, AT)
    # Medicine (P7 "medicine " and P3 "Medicine": first spelling alphabetically is
    # "Medicine"): Amber/Green 1, Not reported 1. Surgery: Red 2 (P1, P8), Green 1 (P2).
    assert frame.to_dict("records") == [
        {"service_group": "Medicine", "overall_rag": "Amber/Green", "projects": 1},
        {"service_group": "Medicine", "overall_rag": "Not reported", "projects": 1},
        {"service_group": "Surgery", "overall_rag": "Red", "projects": 2},
        {"service_group": "Surgery", "overall_rag": "Green", "projects": 1},
    ]


def test_stage_pipeline_ignores_the_stage_filter(db: Database) -> None:
    frame = pf.stage_pipeline(db, AT, selection=pf.ProjectFilter(stages=("Delivery",)))
    assert list(frame["stage"]) == list(pf.STAGE_ORDER)
    # Pipeline P6; Initiation P3; Planning P2; Delivery P1, P8 (P5 not started);
    # Closure P7; Closed P4.
    assert list(frame["projects"]) == [1, 1, 1, 2, 1, 1, 0, 0]
    assert list(frame["active"]) == [False, True, True, True, True, False, False, False]
    ann = pf.stage_pipeline(db, AT, selection=pf.ProjectFilter(project_manager="Ann"))
    assert list(ann["projects"]) == [0, 1, 0, 1, 0, 0, 0, 0]  # P3 Initiation, P1 Delivery


def test_milestone_slippage_by_the_catalogue_rule(db: Database) -> None:
    dist = pf.milestone_slippage(db, FY, AT)
    # Selected projects P1, P8, P7, P2, P3. Measured: M1 -1, M2 0, M3 +10 (actual, not
    # the stale forecast), M5 +40, M7 +364. M9 (achieved after 30 June), M4 (achieved in
    # 2024/25), M8 (P4 not selected) and M10 (not in the register) are left out; M6 has
    # no forecast. Median of -1, 0, 10, 40, 364 = 10.
    assert dist.measured == 5
    assert dist.median_days == 10.0
    assert dist.no_forecast == 1
    assert dict(zip(dist.bands["band"], dist.bands["milestones"], strict=True)) == {
        "Early": 1, "On time": 1, "1-30 days late": 1, "31-90 days late": 1,
        "91-180 days late": 0, "Over 180 days late": 1}


def test_milestone_slippage_with_nothing_selected(db: Database) -> None:
    dist = pf.milestone_slippage(db, FY, AT, selection=pf.ProjectFilter(stages=()))
    assert (dist.measured, dist.median_days, dist.no_forecast) == (0, None, 0)
    assert list(dist.bands["milestones"]) == [0] * 6


def test_timeline_orders(db: Database) -> None:
    late_first = pf.timeline(db, AT)
    # Slippage P7 92, P1 30, P3 -10, then unknown (P8, P2) by planned end.
    assert list(late_first.frame["project_id"]) == ["P7", "P1", "P3", "P8", "P2"]
    assert late_first.total == 5
    by_end = pf.timeline(db, AT, sort="planned_end")
    # Planned ends: P7 31 May 2025, P8 30 Sep 2025, P1 31 Dec 2025, P2 31 Mar 2026,
    # P3 30 June 2026.
    assert list(by_end.frame["project_id"]) == ["P7", "P8", "P1", "P2", "P3"]
    cut = pf.timeline(db, AT, limit=2)
    assert list(cut.frame["project_id"]) == ["P7", "P1"] and cut.total == 5
    closed = pf.timeline(db, AT, selection=pf.ProjectFilter(stages=("Closed",)))
    row = closed.frame.iloc[0]
    assert row["end_date"] == pd.Timestamp("2025-02-14")  # actual end wins over forecast
    assert row["slippage_days"] == 45


def test_timeline_empty(db: Database) -> None:
    empty = pf.timeline(db, AT, selection=pf.ProjectFilter(stages=("On hold",)))
    assert empty.total == 0 and empty.frame.empty


# --- drill-down -----------------------------------------------------------------------------


def test_project_choices(db: Database) -> None:
    assert pf.project_choices(db)[:2] == [("P1", "Alpha ward"), ("P2", "Beta theatres")]
    assert len(pf.project_choices(db)) == 8


def test_project_detail(db: Database) -> None:
    d = pf.project_detail(db, "P1", AT)
    assert d.register is not None and d.register["project_name"] == "Alpha ward"
    assert d.register["start_date"] == date(2024, 1, 1)  # plain dates, not Timestamps
    # Reports on or before 30 June: 30 April Amber, 31 May Red (31 July ignored).
    assert list(d.reports["overall_rag"]) == ["Amber", "Red"]
    assert d.latest_rag == "Red"
    # The 31 May report has no words, so the narrative is the 30 April one, flagged.
    assert d.narrative is not None
    assert (d.narrative.report_date, d.narrative.is_latest) == (date(2025, 4, 30), False)
    assert d.narrative.sections == (("Summary", "S1 old"), ("Achievements", "A1"))
    assert d.narrative.note == ("From the highlight report of 30 Apr 2025 by PM. The latest "
                                "report has no narrative.")
    assert list(d.milestones["milestone"]) == ["M1", "M2", "M3", "M9"]
    assert list(d.milestones["slippage_days"]) == [-1, 0, 10, 14]
    # Open first, highest score first: R1 (16), R3 (4), then closed R2.
    assert list(d.raid["raid_id"]) == ["R1", "R3", "R2"]
    assert d.raid["score"].iloc[0] == 16 and d.raid["score"].iloc[2] is pd.NA
    assert list(d.benefits["benefit_id"]) == ["B1"]


def test_project_facts(db: Database) -> None:
    facts = dict(pf.project_detail(db, "P1", AT).facts.itertuples(index=False))
    assert facts["Project"] == "P1 Alpha ward"
    assert facts["Latest RAG"] == "Red"
    assert facts["Planned end"] == "31 Dec 2025"
    assert facts["Budget"] == "£1,234"
    assert facts["Actual end"] == "not recorded"
    assert facts["Slippage"] == "30 days late"
    assert dict(pf.project_detail(db, "P3", AT).facts.itertuples(index=False))[
        "Slippage"] == "10 days early"


def test_project_detail_with_current_narrative_and_unknown_project(db: Database) -> None:
    p2 = pf.project_detail(db, "P2", AT).narrative
    assert p2 is not None and p2.is_latest
    assert p2.sections == (("Summary", "On plan"), ("Next steps", "Order kit"))
    assert p2.note == "From the highlight report of 15 May 2025 by PM."
    assert pf.project_detail(db, "P3", AT).narrative is None  # no reports at all
    unknown = pf.project_detail(db, "PX", AT)
    assert unknown.register is None and unknown.latest_rag == "Not reported"
    assert list(unknown.milestones["milestone"]) == ["M10"]  # other sources still show
    assert unknown.facts.to_dict("records")[1] == {"Field": "Register",
                                                   "Value": "not in the project register"}


def test_links_and_display() -> None:
    assert pf.drill_down_link("P1") == "portfolio?project=P1"
    assert pf.drill_down_link("P 1/2") == "portfolio?project=P%201%2F2"
    frame = pd.DataFrame({"project_id": ["P1"], "planned_end_date": [pd.Timestamp("2025-05-01")]})
    shown = pf.for_display(pf.with_links(frame))
    assert list(shown.columns) == ["Project", "Planned end", "link"]
    assert shown["Planned end"].iloc[0] == date(2025, 5, 1)
    assert shown["link"].iloc[0] == "portfolio?project=P1"


def test_empty_database(tmp_path: Path) -> None:
    with Database(build_database(tmp_path / "e.duckdb", {})) as empty:
        assert pf.project_table(empty, AT).empty
        assert sum(pf.rag_counts(empty, AT).values()) == 0
        assert pf.rag_by_group(empty, AT).empty
        assert pf.timeline(empty, AT).total == 0
        assert pf.project_choices(empty) == []
