"""Unit tests of the Training reach queries on a small fixture worked out by hand.

The window is FY 2025/26 at 30 September 2025 (1 April to 30 September) unless a test says
otherwise. Every expected number is derived in a comment from the rows below.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from pmo_data import metrics, training
from pmo_data.db import Database, build_database

FY = "2025/26"
AS_AT = date(2025, 9, 30)

TRAINING = [
    # staff, course, date, attendance, staff group, service group, completion, feedback,
    # confidence before, confidence after
    ("A", "Intro", "2025-05-01", "Attended", "Nursing", "Surgery", "Yes", 5, 3, 6),
    ("A", "Intro", "2025-05-08", "Attended", "Nursing", "Surgery", "Yes", None, None, None),
    ("B", "Intro", "2025-05-01", "Did not attend", "AHP", "Medicine", "No", None, None, None),
    ("B", "Intro", "2025-06-01", "Attended", "AHP", "Medicine", " completed ", 4, 5, 5),
    ("C", "Intro", "2025-06-01", "Cancelled", "Admin", "Medicine", "No", None, None, None),
    ("D", "Risk", "2025-07-01", "Attended", "Admin", "  ", None, 3, 7, 6),
    ("A", "Risk", "2025-07-01", "Attended", "Nursing", "Surgery", "no", None, 4, None),
    ("E", "Risk", "2025-08-01", "Did not attend", "Nursing", "Surgery", None, None, None, None),
    ("F", "Risk", "2025-10-15", "Booked", "Nursing", "Surgery", None, None, None, None),
    ("G", "Intro", "2025-03-20", "Attended", "Nursing", "Surgery", "Yes", None, None, None),
    ("H", "Risk", "2024-05-01", "Attended", "AHP", "Medicine", "Yes", None, None, None),
]
# In the window (1 Apr - 30 Sep 2025): A x3, B x2, C, D, E. F is after the as-at date, G is
# in FY 2024/25 (20 March), H in FY 2024/25.


def training_rows() -> list[dict]:
    """The fixture's training rows as build_database / insert_rows input."""
    return [{"staff_id": s, "course": c, "session_date": date.fromisoformat(d),
             "attendance": a, "staff_group": sg, "service_group": grp, "completion": comp,
             "feedback_score": fb, "confidence_before": cb, "confidence_after": ca}
            for s, c, d, a, sg, grp, comp, fb, cb, ca in TRAINING]


TRAINED_PLAN = [
    {"kpi_code": "TRAINED_STAFF", "financial_year": "2025/26", "target": 120},
    {"kpi_code": "TRAINED_STAFF", "financial_year": "2026/27", "target": 120},
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    path = build_database(tmp_path_factory.mktemp("training") / "t.duckdb",
                          {"training": training_rows(), "kpi_plan": TRAINED_PLAN})
    handle = Database(path)
    yield handle
    handle.close()


# --- window ----------------------------------------------------------------------------------


def test_window_is_cut_at_the_as_at_date_and_the_fy_end() -> None:
    db = None  # the as-at date is given, so the database is not consulted
    win = training.window(db, "2025-26", AS_AT, " Surgery ")  # type: ignore[arg-type]
    assert (win.fy, win.start, win.at, win.sg) == ("2025/26", date(2025, 4, 1), AS_AT,
                                                    "surgery")
    later = training.window(db, FY, date(2026, 6, 1))  # type: ignore[arg-type]
    assert later.at == date(2026, 3, 31)  # a past FY is judged at its 31 March
    future = training.window(db, "2026/27", AS_AT)  # type: ignore[arg-type]
    assert future.empty


def test_window_rejects_a_non_year() -> None:
    with pytest.raises(ValueError):
        training.window(None, "", AS_AT)  # type: ignore[arg-type]


# --- reach by group --------------------------------------------------------------------------


def test_reach_by_service_group(db: Database) -> None:
    frame = training.reach_by_group(db, FY, AS_AT)
    # Attended in the window: A (Surgery), B (Medicine), D (blank -> Not recorded); one each,
    # so the order is by name.
    assert list(frame["group"]) == ["Medicine", "Not recorded", "Surgery"]
    assert list(frame["trained"]) == [1, 1, 1]


def test_reach_by_staff_group_counts_people_once(db: Database) -> None:
    frame = training.reach_by_group(db, FY, AS_AT, by="staff_group")
    # A attended three sessions (Nursing): one person. B AHP, D Admin; C only cancelled and
    # E only DNA'd: not trained.
    assert dict(zip(frame["group"], frame["trained"], strict=True)) == {
        "Nursing": 1, "AHP": 1, "Admin": 1}


def test_reach_follows_the_service_group_filter(db: Database) -> None:
    frame = training.reach_by_group(db, FY, AS_AT, service_group="surgery", by="staff_group")
    assert frame.to_dict("list") == {"group": ["Nursing"], "trained": [1]}  # A only


def test_reach_whole_year_and_empty_cases(db: Database, empty_db: Database) -> None:
    # FY 2024/25 at any later date: H (1 May 2024) and G (20 March 2025).
    frame = training.reach_by_group(db, "2024/25", AS_AT)
    assert dict(zip(frame["group"], frame["trained"], strict=True)) == {
        "Medicine": 1, "Surgery": 1}
    assert training.reach_by_group(db, "2026/27", AS_AT).empty  # not started
    assert training.reach_by_group(empty_db, FY, AS_AT).empty
    with pytest.raises(ValueError):
        training.reach_by_group(db, FY, AS_AT, by="staff_id")


# --- the course funnel -----------------------------------------------------------------------


def test_funnel_totals(db: Database) -> None:
    f = training.course_funnel(db, FY, AS_AT)
    # Enrolments: Intro A, B, C; Risk D, A, E -> booked 6.
    # Attended: Intro A, B; Risk D, A -> 4.
    # Completed: Intro A ("Yes"), B (" completed " on its attended row) -> 2; Risk A said
    # "no", D has no completion (not recorded), E did not attend -> 0. Total 2.
    # Not recorded: D -> 1.
    # DNA rows: B (Intro), E (Risk) = 2; outcome rows = Attended 5 + DNA 2 = 7 -> 28.57%.
    assert (f.booked, f.attended, f.completed, f.completion_not_recorded) == (6, 4, 2, 1)
    assert (f.dna_places, f.outcome_places) == (2, 7)
    assert f.dna_rate == pytest.approx(200 / 7)
    assert f.at == AS_AT


def test_funnel_dna_rate_is_the_catalogue_rate(db: Database) -> None:
    f = training.course_funnel(db, FY, AS_AT)
    assert f.dna_rate == pytest.approx(metrics.training_dna_rate(db, FY, AS_AT).value)


def test_funnel_by_course(db: Database) -> None:
    by = training.course_funnel(db, FY, AS_AT).by_course.set_index("course")
    # Both courses have 3 bookings: ordered by name.
    assert list(by.index) == ["Intro", "Risk"]
    intro, risk = by.loc["Intro"], by.loc["Risk"]
    assert (intro["booked"], intro["attended"], intro["completed"]) == (3, 2, 2)
    assert intro["attendance_pct"] == pytest.approx(200 / 3)  # 2 of 3
    assert intro["completion_pct"] == pytest.approx(100.0)  # 2 of 2 recorded
    assert intro["dna_rate"] == pytest.approx(25.0)  # 1 DNA / (3 attended + 1 DNA rows)
    assert (risk["booked"], risk["attended"], risk["completed"]) == (3, 2, 0)
    assert risk["completion_not_recorded"] == 1  # D
    assert risk["completion_pct"] == pytest.approx(0.0)  # 0 of the 1 recorded (A: "no")
    assert risk["dna_rate"] == pytest.approx(100 / 3)  # 1 / (2 + 1)


def test_funnel_completion_missing_is_none(tmp_path: Path) -> None:
    rows = [{**r, "completion": None} for r in training_rows()]
    handle = Database(build_database(tmp_path / "nocomp.duckdb", {"training": rows}))
    with handle:
        f = training.course_funnel(handle, FY, AS_AT)
    # No completion anywhere: completed is missing, not 0; all 4 attended are unrecorded.
    assert f.completed is None
    assert f.completion_not_recorded == 4
    assert f.by_course["completed"].isna().all()
    assert f.by_course["completion_pct"].isna().all()


def test_funnel_empty_and_future(db: Database, empty_db: Database) -> None:
    for f in (training.course_funnel(empty_db, FY, AS_AT),
              training.course_funnel(db, "2026/27", AS_AT)):
        assert f.booked is None and f.attended is None and f.dna_rate is None
        assert f.by_course.empty


def test_funnel_table_headings(db: Database) -> None:
    table = training.funnel_table(training.course_funnel(db, FY, AS_AT))
    assert list(table.columns) == ["Course", "Booked", "Attended", "Completed",
                                   "No completion record", "Attended %", "Completed %",
                                   "DNA rate %"]


# --- feedback and confidence -----------------------------------------------------------------


def test_confidence_pairs(db: Database) -> None:
    c = training.confidence_change(db, FY, AS_AT)
    # Attended rows in the window: A Intro x2, B Intro, D Risk, A Risk = 5.
    # Pairs (both ratings): A 3->6 (+3), B 5->5 (0), D 7->6 (-1); A Risk has no "after".
    assert (c.attended_places, c.pairs) == (5, 3)
    assert c.mean_before == pytest.approx(5.0)  # (3 + 5 + 7) / 3
    assert c.mean_after == pytest.approx(17 / 3)  # (6 + 5 + 6) / 3
    assert c.mean_change == pytest.approx(2 / 3)  # (3 + 0 - 1) / 3
    assert (c.improved, c.unchanged, c.fell) == (1, 1, 1)
    assert c.change == ((-1, 1), (0, 1), (1, 0), (2, 0), (3, 1))
    assert dict(c.before)[3] == 1 and dict(c.before)[7] == 1 and len(c.before) == 10
    assert dict(c.after)[6] == 2


def test_confidence_without_pairs(db: Database) -> None:
    c = training.confidence_change(db, FY, AS_AT, service_group="No such group")
    assert c.pairs == 0 and c.mean_change is None
    assert c.change == ((0, 0),)


def test_feedback_scores(db: Database) -> None:
    fb = training.feedback_scores(db, FY, AS_AT)
    # Scores on attended rows: A 5, B 4, D 3 -> mean 4.0 from 3 of 5 attended rows.
    assert (fb.attended_places, fb.responses) == (5, 3)
    assert fb.mean == pytest.approx(4.0)
    assert fb.counts == ((1, 0), (2, 0), (3, 1), (4, 1), (5, 1))


def test_feedback_none(empty_db: Database) -> None:
    fb = training.feedback_scores(empty_db, FY, AS_AT)
    assert fb.responses == 0 and fb.mean is None


# --- across the years ------------------------------------------------------------------------


def test_trained_by_year(db: Database) -> None:
    frame = training.trained_by_year(db, AS_AT).set_index("fy")
    # First training FY: 2024/25 (H, 1 May 2024); last plan year 2026/27.
    assert list(frame.index) == ["2024/25", "2025/26", "2026/27"]
    # 2024/25: H and G trained; no target in the plan.
    assert frame.loc["2024/25", "trained"] == 2
    assert frame.loc["2024/25", "status"] == "No target"
    # 2025/26 at 30 Sep: A, B, D = 3 against a pro-rata 120 x 6 / 12 = 60: off track.
    assert frame.loc["2025/26", "trained"] == 3
    assert frame.loc["2025/26", "ytd_target"] == pytest.approx(60.0)
    assert frame.loc["2025/26", "status"] == "Off track"
    assert bool(frame.loc["2025/26", "year_to_date"])
    # 2026/27 has not started: blank, not 0.
    assert pd.isna(frame.loc["2026/27", "trained"])
    assert frame.loc["2026/27", "status"] == "Not yet started"


def test_trained_by_year_matches_the_catalogue(db: Database) -> None:
    frame = training.trained_by_year(db, AS_AT, service_group="Medicine")
    for row in frame.itertuples():
        if pd.isna(row.trained):
            continue
        assert row.trained == metrics.trained_staff(db, row.fy, AS_AT, "Medicine").value


def test_trained_by_year_empty(empty_db: Database) -> None:
    assert training.trained_by_year(empty_db, AS_AT).empty


def test_years_table_headings(db: Database) -> None:
    table = training.years_table(training.trained_by_year(db, AS_AT))
    assert list(table.columns) == ["Financial year", "Staff trained", "Target",
                                   "Pro-rata target to date", "Status"]
