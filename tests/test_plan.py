"""Unit tests of the five-year plan engine on a small fixture worked out by hand.

The as-at date is 30 September 2025 unless a test says otherwise, so of the plan years
2024/25 is finished, 2025/26 is the current year (6 whole months elapsed) and 2026/27 has not
started. Every expected number is derived in a comment from the rows below.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from test_training import training_rows

from pmo_data import metrics, plan
from pmo_data.db import Database, build_database
from pmo_data.spc import SpcOptions, compute_spc

AS_AT = date(2025, 9, 30)

# code, FY, target, name, unit, direction, plan-year label (file row = position + 1)
PLAN = [
    ("TRAINED_STAFF", "2025/26", 120, "Staff trained", "count", "up", "Year one: come together"),
    ("TRAINED_STAFF", "2026/27", 120, None, None, None, None),
    ("EVENTS", "2024/25", 20, "Network events", "events", "up", None),
    ("EVENTS", "2025/26", 24, None, None, None, "Year one: come together"),
    ("EVENTS", "2026/27", 24, None, None, None, None),
    ("ADOPTION", "2024/25", 80, "Platform adoption", "%", "up", None),
    ("ADOPTION", "2025/26", 80, None, None, None, None),
    ("ADOPTION", "2026/27", 85, None, None, None, None),
    ("WAIT", "2024/25", 30, "Days to start", "days", "neither", None),
    ("WAIT", "2025/26", 30, None, None, None, None),
]

# EVENTS, April 2024 to September 2025 (18 months):
EVENTS_2024 = [2, 3, 1, 2, 2, 3, 1, 2, 2, 3, 1, 2]  # Apr 2024 - Mar 2025: sum 24
EVENTS_2025 = [1, 1, 0, 2, 1, 1]  # Apr - Sep 2025: sum 6
# ADOPTION, October 2024 to September 2025 (12 months): March 2025 = 70, September 2025 = 85.
ADOPTION = [60, 62, 64, 66, 68, 70, 72, 74, 78, 80, 82, 85]


def _month(index: int) -> date:
    """Month ``index`` counted from April 2024 (0)."""
    k = 2024 * 12 + 3 + index
    return date(k // 12, k % 12 + 1, 1)


def plan_tables() -> dict[str, list[dict]]:
    """The fixture as build_database / insert_rows input."""
    kpi_plan = [{"kpi_code": c, "financial_year": fy, "target": t, "kpi_name": n, "unit": u,
                 "direction": d, "plan_year_label": lab, "source_row": i + 2}
                for i, (c, fy, t, n, u, d, lab) in enumerate(PLAN)]
    actuals = [{"kpi_code": "EVENTS", "period": _month(i), "value": v}
               for i, v in enumerate(EVENTS_2024 + EVENTS_2025)]
    actuals += [{"kpi_code": "ADOPTION", "period": _month(6 + i), "value": v}
                for i, v in enumerate(ADOPTION)]
    actuals += [{"kpi_code": "WAIT", "period": date(2024, 6, 1), "value": 10},
                {"kpi_code": "WAIT", "period": date(2024, 7, 1), "value": 12}]
    maturity = [
        # date, perspective, level, target, file row
        ("2024-10-01", "Governance", 2, 3, 2),
        ("2024-10-01", "Benefits", 1, 3, 3),
        ("2024-10-01", "Benefits", 2, 4, 4),  # same date twice: lower level, higher target
        ("2025-04-01", "Governance", 3, 3, 5),
        ("2025-04-01", "Risk", 2, None, 6),  # first listed here; no target
        ("2025-11-01", "Governance", 4, 3, 7),  # after the as-at date
    ]
    return {
        "training": training_rows(),
        "kpi_plan": kpi_plan,
        "kpi_actuals": actuals,
        "maturity": [{"assessment_date": date.fromisoformat(d), "perspective": p, "level": lv,
                      "target_level": t, "source_row": r} for d, p, lv, t, r in maturity],
    }


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    path = build_database(tmp_path_factory.mktemp("plan") / "p.duckdb", plan_tables())
    handle = Database(path)
    yield handle
    handle.close()


# --- formatting and status rules -------------------------------------------------------------


@pytest.mark.parametrize(("value", "unit", "text"), [
    (114, "count", "114"), (114.0, "staff", "114 staff"), (92.345, "%", "92.3%"),
    (90, "percent", "90%"), (1234.6, "£", "£1,235"), (6000, "views", "6,000 views"),
    (12, "days", "12 days"), (None, "count", "no data"), (0, "count", "0"),
])
def test_format_value(value: float | None, unit: str, text: str) -> None:
    assert plan.format_value(value, unit) == text


def test_format_value_missing_text() -> None:
    assert plan.format_value(None, "%", missing="") == ""


@pytest.mark.parametrize(("as_at", "phase"), [
    (date(2025, 3, 31), "future"), (date(2025, 4, 1), "current"),
    (date(2026, 3, 30), "current"), (date(2026, 3, 31), "finished"),
])
def test_fy_phase(as_at: date, phase: str) -> None:
    assert plan.fy_phase("2025/26", as_at) == phase


NOW = date(2025, 9, 30)  # in 2025/26
PAST = date(2026, 4, 1)  # 2025/26 finished


@pytest.mark.parametrize(("args", "status"), [
    # value, target, ytd_target, direction, cumulative, as-at
    ((None, 120, None, "up", True, date(2025, 3, 1)), "Not yet started"),
    ((50, None, None, "up", True, NOW), "No target"),
    ((None, 120, 60, "up", True, NOW), "No data"),
    ((10, 20, None, "neither", False, NOW), "Not judged"),
    ((120, 120, None, "up", True, PAST), "Met"),  # exactly on target
    ((119, 120, None, "up", True, PAST), "Not met"),
    ((5, 6, None, "down", False, PAST), "Met"),
    ((7, 6, None, "down", False, PAST), "Not met"),
    ((60, 120, 60, "up", True, NOW), "On track"),  # on the pro-rata target
    ((59, 120, 60, "up", True, NOW), "Off track"),
    ((125, 120, 60, "up", True, NOW), "Met"),  # already past the year's target
    ((0, 120, 0.0, "up", True, date(2025, 4, 10)), "On track"),  # no whole month yet
    ((8, 10, 5, "down", True, NOW), "Off track"),  # a count that should stay low
    ((92.0, 90, None, "up", False, NOW), "On track"),  # a percentage, as it stands
    ((89.9, 90, None, "up", False, NOW), "Off track"),
])
def test_kpi_status(args: tuple, status: str) -> None:
    value, target, ytd, direction, cumulative, as_at = args
    assert plan.kpi_status(value, target, ytd, direction, cumulative, "2025/26",
                           as_at) == status


# --- the plan grid ---------------------------------------------------------------------------


def test_plan_years_and_labels(db: Database) -> None:
    assert plan.plan_years(db) == ("2024/25", "2025/26", "2026/27")
    # 2024/25: no label in the file or the strategy; 2025/26 from the file; 2026/27 from the
    # strategy (the file gives none).
    assert plan.plan_labels(db) == {"2024/25": "", "2025/26": "Year one: come together",
                                    "2026/27": "Year two: build as one"}


def _cells(grid: plan.PlanGrid) -> dict[tuple[str, str], plan.PlanCell]:
    return {(k.code, c.fy): c for k in grid.kpis for c in k.cells}


def test_plan_grid_rows_follow_the_plan_file(db: Database) -> None:
    grid = plan.plan_grid(db, AS_AT)
    assert [k.code for k in grid.kpis] == ["TRAINED_STAFF", "EVENTS", "ADOPTION", "WAIT"]
    assert [k.name for k in grid.kpis] == ["Staff trained", "Network events",
                                           "Platform adoption", "Days to start"]
    assert grid.years == ("2024/25", "2025/26", "2026/27")
    assert grid.labels == ("", "Year one: come together", "Year two: build as one")


def test_plan_grid_values_and_statuses(db: Database) -> None:
    cells = _cells(plan.plan_grid(db, AS_AT))
    expected = {
        # 2024/25 (finished): H and G trained, no target in the plan.
        ("TRAINED_STAFF", "2024/25"): (None, 2.0, "No target"),
        # 2025/26 to 30 Sep: A, B, D = 3 against 120 x 6/12 = 60 pro-rata.
        ("TRAINED_STAFF", "2025/26"): (120.0, 3.0, "Off track"),
        ("TRAINED_STAFF", "2026/27"): (120.0, None, "Not yet started"),
        # EVENTS: 2024/25 sum 24 >= 20; 2025/26 sum 6 < 24 x 6/12 = 12.
        ("EVENTS", "2024/25"): (20.0, 24.0, "Met"),
        ("EVENTS", "2025/26"): (24.0, 6.0, "Off track"),
        ("EVENTS", "2026/27"): (24.0, None, "Not yet started"),
        # ADOPTION (%): latest month of the year: March 2025 70 < 80; September 2025 85 >= 80.
        ("ADOPTION", "2024/25"): (80.0, 70.0, "Not met"),
        ("ADOPTION", "2025/26"): (80.0, 85.0, "On track"),
        # WAIT (direction neither): 10 + 12 = 22 days in 2024/25, nothing in 2025/26.
        ("WAIT", "2024/25"): (30.0, 22.0, "Not judged"),
        ("WAIT", "2025/26"): (30.0, None, "No data"),
        ("WAIT", "2026/27"): (None, None, "Not yet started"),
    }
    for key, (target, actual, status) in expected.items():
        cell = cells[key]
        assert (cell.target, cell.actual, cell.status) == (target, actual, status), key
    assert cells[("EVENTS", "2025/26")].ytd_target == pytest.approx(12.0)
    assert cells[("EVENTS", "2025/26")].year_to_date
    assert not cells[("EVENTS", "2024/25")].year_to_date
    assert cells[("EVENTS", "2024/25")].ytd_target is None


def test_plan_grid_equals_the_catalogue(db: Database) -> None:
    grid = plan.plan_grid(db, AS_AT)
    for kpi in grid.kpis:
        for cell in kpi.cells:
            if cell.status == "Not yet started":
                continue
            assert cell.actual == metrics.compute(db, kpi.code, cell.fy, AS_AT).value


def test_plan_grid_when_the_year_has_finished(db: Database) -> None:
    cells = _cells(plan.plan_grid(db, date(2026, 4, 30)))
    # 2025/26 is now judged whole: EVENTS 6 < 24, ADOPTION 85 >= 80.
    assert cells[("EVENTS", "2025/26")].status == "Not met"
    assert cells[("ADOPTION", "2025/26")].status == "Met"
    assert cells[("EVENTS", "2026/27")].status == "No data"  # started, no months yet


def test_plan_grid_empty(empty_db: Database) -> None:
    grid = plan.plan_grid(empty_db, AS_AT)
    assert grid.years == () and grid.kpis == ()


def test_grid_frame(db: Database) -> None:
    frame = plan.grid_frame(plan.plan_grid(db, AS_AT))
    assert list(frame.index) == ["Staff trained", "Network events", "Platform adoption",
                                 "Days to start"]
    year = "2025/26: Year one: come together"
    assert frame.loc["Network events", (year, "Actual")] == "6 events to date"
    assert frame.loc["Platform adoption", (year, "Target")] == "80%"
    assert frame.loc["Platform adoption", ("2024/25", "Actual")] == "70%"
    assert pd.isna(frame.loc["Staff trained", ("2024/25", "Target")])  # no target: blank
    assert pd.isna(frame.loc["Staff trained", ("2026/27: Year two: build as one", "Actual")])
    assert frame.loc["Network events", ("2024/25", "Status")] == "Met"


# --- maturity --------------------------------------------------------------------------------


def test_maturity_grid(db: Database) -> None:
    m = plan.maturity_grid(db, AS_AT)
    assert m.perspectives == ("Governance", "Benefits", "Risk")  # first listed first
    assert m.dates == (date(2024, 10, 1), date(2025, 4, 1))  # 1 Nov 2025 is after as-at
    assert m.levels == ((2, 3), (1, None), (None, 2))  # Benefits twice: the lower, 1
    assert m.targets == ((3, 3), (4, None), (None, None))  # ... and the higher target, 4


def test_maturity_grid_later_and_empty(db: Database, empty_db: Database) -> None:
    m = plan.maturity_grid(db, date(2025, 12, 1))
    assert m.dates[-1] == date(2025, 11, 1) and m.levels[0][-1] == 4
    e = plan.maturity_grid(empty_db, AS_AT)
    assert e.perspectives == () and e.dates == ()


# --- Making Data Count -----------------------------------------------------------------------


def test_spc_codes(db: Database) -> None:
    # The three core series, then the kpi_actuals KPIs in the plan file's order.
    assert plan.spc_codes(db) == ("TRAINED_STAFF", "HIGHLIGHT_COMPLIANCE", "PROJECTS_SUPPORTED",
                                  "EVENTS", "ADOPTION", "WAIT")


@pytest.mark.parametrize(("code", "unit", "cumulative", "rule"), [
    ("TRAINED_STAFF", "count", True, "divide"), ("PROJECTS_SUPPORTED", "count", True, "none"),
    ("HIGHLIGHT_COMPLIANCE", "%", False, "as_is"), ("EVENTS", "events", True, "divide"),
    ("ADOPTION", "percent", False, "as_is"), ("ACTIVE_PROJECTS", "count", False, "as_is"),
])
def test_target_rule(code: str, unit: str, cumulative: bool, rule: str) -> None:
    assert plan.target_rule(code, unit, cumulative) == rule


def test_monthly_target() -> None:
    assert plan.monthly_target(120, "divide") == 10
    assert plan.monthly_target(90, "as_is") == 90
    assert plan.monthly_target(20, "none") is None
    assert plan.monthly_target(None, "divide") is None


@pytest.mark.parametrize(("as_at", "end"), [
    (date(2025, 9, 30), date(2025, 9, 30)),  # a month's last day: complete
    (date(2025, 9, 15), date(2025, 8, 31)),  # a part month is left out, percentages too
    (date(2025, 3, 1), date(2025, 2, 28)),
    (date(2024, 2, 29), date(2024, 2, 29)),  # leap day is February's last
])
def test_series_end(as_at: date, end: date) -> None:
    assert plan.series_end(as_at) == end


def test_kpi_spc_counts(db: Database) -> None:
    k = plan.kpi_spc(db, "EVENTS", AS_AT)
    values = EVENTS_2024 + EVENTS_2025
    assert k.months == tuple(_month(i) for i in range(18))  # April 2024 to September 2025
    assert k.values == tuple(float(v) for v in values)
    # 2025/26 target 24 a year, a summed count: 24 / 12 = 2 a month.
    assert (k.fy, k.annual_target, k.monthly_target, k.target_rule) == ("2025/26", 24.0, 2.0,
                                                                        "divide")
    assert (k.name, k.title, k.unit, k.direction) == ("Network events",
                                                      "Network events per month", "", "up")
    expected = compute_spc(values, k.months, direction="up", target=2.0)
    assert k.result == expected
    assert k.result.has_limits  # 18 points >= 13


def test_kpi_spc_part_month_and_options(db: Database) -> None:
    k = plan.kpi_spc(db, "EVENTS", date(2025, 9, 15), SpcOptions(min_points=20))
    assert k.months[-1] == date(2025, 8, 1)  # September is a part month: left out
    assert len(k.values) == 17
    assert not k.result.has_limits  # 17 points < 20
    assert k.result.options.min_points == 20


def test_kpi_spc_percentage(db: Database) -> None:
    k = plan.kpi_spc(db, "ADOPTION", date(2025, 9, 15))
    # a part month is left out for percentages too (one window rule for every measure)
    assert k.months[-1] == date(2025, 8, 1)
    assert (k.unit, k.monthly_target, k.target_rule) == ("%", 80.0, "as_is")
    assert len(k.values) == 11 and k.result.variation_icon is None  # too few for limits


def test_kpi_spc_builtin_and_no_data(db: Database) -> None:
    k = plan.kpi_spc(db, "TRAINED_STAFF", AS_AT)
    # Months with training rows up to 30 Sep 2025 (omitted when there are none), counting
    # people trained for the first time in their FY: May 2024 (H: 1), Mar 2025 (G: 1),
    # May 2025 (A: 1; B DNA), Jun 2025 (B: 1; C cancelled), Jul 2025 (D; A again: 1),
    # Aug 2025 (E DNA only: 0). 2025/26 adds up to its TRAINED_STAFF, 3 (A, B, D).
    assert k.months == (date(2024, 5, 1), date(2025, 3, 1), date(2025, 5, 1),
                        date(2025, 6, 1), date(2025, 7, 1), date(2025, 8, 1))
    assert k.values == (1.0, 1.0, 1.0, 1.0, 1.0, 0.0)
    assert sum(k.values[2:]) == metrics.trained_staff(db, "2025/26", AS_AT).value
    assert k.monthly_target == 10.0  # 120 / 12
    assert k.title == "Staff trained per month (first time in the year)"
    empty = plan.kpi_spc(db, "PROJECTS_SUPPORTED", AS_AT)
    assert empty.values == () and empty.monthly_target is None
    assert not empty.result.has_limits


def test_ipr_rows(db: Database) -> None:
    rows = {r.code: r for r in plan.ipr_rows(db, AS_AT)}
    assert list(rows) == list(plan.spc_codes(db))
    events = rows["EVENTS"]
    k = plan.kpi_spc(db, "EVENTS", AS_AT)
    assert (events.latest_month, events.latest_value, events.target) == (
        date(2025, 9, 1), 1.0, 2.0)
    assert (events.variation_icon, events.assurance_icon) == (k.result.variation_icon,
                                                              k.result.assurance_icon)
    assert events.variation_icon is not None
    assert rows["ADOPTION"].variation_icon is None  # 12 points
    assert rows["PROJECTS_SUPPORTED"].latest_value is None
    assert rows["PROJECTS_SUPPORTED"].latest_month is None


def test_kpi_spc_unknown_code(db: Database) -> None:
    with pytest.raises(KeyError):
        plan.kpi_spc(db, "NOPE", AS_AT)



def test_scorecard_counts_met_and_on_track_of_the_judged(db: Database) -> None:
    # 2025/26 to 30 Sep: ADOPTION On track; TRAINED_STAFF and EVENTS Off track; WAIT No data
    # (counts against, never for)
    card = plan.scorecard(db, "2025/26", AS_AT)
    assert (card.on_track, card.judged, card.value_text) == (1, 4, "1 of 4")
    assert card.sentence == ("1 of 4 plan KPIs on track (Met or On track) in 2025/26 (Year one: "
                             "come together), to date at 30 Sep 2025.")
    assert card.rows[2] == ("Platform adoption", "On track")
    # 2024/25, finished: EVENTS Met, ADOPTION Not met; No target and Not judged left out
    last = plan.scorecard(db, "2024/25", AS_AT)
    assert (last.on_track, last.judged) == (1, 2)
    assert last.sentence.endswith("in 2024/25, at the year end.")
    future = plan.scorecard(db, "2026/27", AS_AT)
    assert (future.judged, future.value_text) == (0, "–")
    assert future.sentence == ("2026/27 (Year two: build as one) has not started: its 4 plan "
                               "KPIs are not judged yet.")
    outside = plan.scorecard(db, "2027/28", AS_AT)
    assert not outside.in_plan and outside.sentence == (
        "The five-year plan has no targets for 2027/28.")
