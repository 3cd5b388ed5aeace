"""Unit tests of the metric catalogue on small fixtures worked out by hand.

Every expected number is derived in a comment next to the assertion, from the rows in the
fixture below, so a reader can check the arithmetic without running anything.
"""

from __future__ import annotations

import math
from datetime import date

import pytest

from pmo_data import metrics as m
from pmo_data.db import Database, build_database
from pmo_data.schema import RAG_ORDER

# --- the fixture -----------------------------------------------------------------------------
# Service groups: Surgery and Medicine.

TRAINING = [
    # staff, date, attendance, group
    ("S1", "2025-03-31", "Attended", "Surgery"),  # last day of FY 2024/25
    ("S1", "2025-04-01", "Attended", "Surgery"),  # first day of FY 2025/26
    ("S2", "2025-05-10", "Attended", "Medicine"),  # S2 trained twice in 2025/26 ...
    ("S2", "2025-09-10", "Attended", "Medicine"),  # ... counts once
    ("S3", "2025-06-05", "Did not attend", "Surgery"),  # S3: a DNA, then ...
    ("S3", "2025-07-05", "Attended", "Surgery"),  # ... an attendance: trained
    ("S4", "2025-06-05", "Did not attend", "Surgery"),  # only a DNA: not trained
    ("S5", "2025-08-01", "Cancelled", "Medicine"),  # neither trained nor in the DNA rate
    ("S6", "2025-10-01", "Booked", "Medicine"),  # a booking: no outcome
]

SERVICE_REQUESTS = [
    # id, service, project, received, start, end, status, group
    ("R1", "Immersive PM", "P1", "2024-11-01", "2025-01-15", "2025-06-30", "Closed", "Surgery"),
    ("R2", "Immersive PM", "P2", "2025-05-01", None, None, "cancelled", "Medicine"),
    ("R3", "Immersive PM", "P3", "2025-07-01", "2025-08-01", None, "In progress", "Medicine"),
    ("R4", "Immersive PM", "P3", "2025-09-01", None, None, "Closed", "Medicine"),
    ("R5", "Immersive PM", "P4", "2025-03-01", "2025-03-01", "2025-03-31", "Closed", "Surgery"),
    ("R6", "Coaching", None, "2025-04-01", None, None, "Closed", "Surgery"),
    ("R7", "Coaching", None, "2025-03-31", None, None, "Declined", "Medicine"),
    ("R8", "Immersive PM", "P5", "2025-06-01", None, None, "Declined ", "Medicine"),
]

PROJECTS = [
    # id, stage, start, group
    ("PA", "Delivery", "2024-01-01", "Surgery"),
    ("PB", "Planning", "2024-06-01", "Surgery"),
    ("PC", "Initiation", "2025-06-01", "Medicine"),
    ("PD", "Closed", "2023-01-01", "Medicine"),
    ("PE", "Delivery", "2025-07-10", "Medicine"),  # starts after 30 June 2025
    ("PF", "Pipeline", "2025-01-01", "Surgery"),
]

STATUS_REPORTS = [
    ("PA", "2025-04-30", "Amber"),
    ("PA", "2025-05-30", "Green"),  # 31 days before 30 June 2025: counts
    ("PB", "2025-04-29", "Green"),
    ("PB", "2025-05-29", "Red"),  # 32 days before 30 June 2025: does not count
    ("PD", "2025-06-15", "Blue"),  # closed project: not active
    # PC has no report: Not reported
]

MILESTONES = [
    # project, name, baseline, forecast, actual
    ("PA", "M1", "2025-05-01", None, "2025-04-30"),  # on time, -1 day
    ("PA", "M2", "2025-05-01", None, "2025-05-01"),  # on time (on the day), 0
    ("PB", "M3", "2025-06-01", "2025-05-20", "2025-06-11"),  # late, +10 (stale forecast)
    ("PB", "M4", "2025-03-01", None, "2025-03-31"),  # achieved in FY 2024/25
    ("PC", "M5", "2025-09-01", "2025-09-21", None),  # open, forecast +20
    ("PC", "M6", "2025-10-01", None, None),  # open, no forecast: left out
]

BENEFITS = [
    # id, project, category, target date, realised
    ("B1", "PA", "Cash-releasing", "2025-09-30", 1000.50),
    ("B2", "PB", "Cash-releasing", "2026-03-31", 2000.0),
    ("B3", "PA", "Quality", "2025-10-01", 500.0),
    ("B4", "PC", "Cash-releasing", "2026-04-01", 700.0),  # FY 2026/27
    ("B5", "PC", "Cash-releasing", "2025-12-01", None),  # nothing recorded yet
]

RAID = [
    # id, project, type, status, likelihood, impact, raised
    ("K1", "PA", "Risk", "Open", 4, 4, "2025-01-01"),  # 16
    ("K2", "PA", "Risk", "Open", 3, 5, None),  # 15: the boundary counts
    ("K3", "PB", "Risk", "Open", 3, 4, "2025-01-01"),  # 12
    ("K4", "PB", "Risk", "Closed", 5, 5, "2025-01-01"),  # closed
    ("K5", "PC", "Issue", "Open", 5, 5, "2025-01-01"),  # an issue, not a risk
    ("K6", "PC", "Risk", "Open", 5, 5, "2025-08-01"),  # raised 1 August 2025
]

KPI_PLAN = [
    {"kpi_code": "TRAINED_STAFF", "financial_year": "2025/26", "target": 120, "unit": "count"},
    {"kpi_code": "PROJECTS_SUPPORTED", "financial_year": "2025/26", "target": 20},
    {"kpi_code": "HIGHLIGHT_COMPLIANCE", "financial_year": "2025/26", "target": 90},
    {"kpi_code": "network_events", "financial_year": "2025/26", "target": 24, "unit": "events",
     "kpi_name": "Network events", "direction": "up"},
    {"kpi_code": "PPM_ADOPTION", "financial_year": "2025/26", "target": 80, "unit": "%",
     "kpi_name": "PPM platform adoption", "direction": "up"},
]

KPI_ACTUALS = [
    ("NETWORK_EVENTS", "2025-03-01", 5),  # FY 2024/25
    ("NETWORK_EVENTS", "2025-04-01", 2),
    ("NETWORK_EVENTS", "2025-05-01", 3),
    ("NETWORK_EVENTS", "2025-06-01", 4),
    # July missing
    ("NETWORK_EVENTS", "2025-08-01", 1),
    ("PPM_ADOPTION", "2025-04-01", 50),
    ("PPM_ADOPTION", "2025-05-01", 55),
    ("PPM_ADOPTION", "2025-06-01", 60),
]


def _d(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def fixture_tables() -> dict[str, list[dict]]:
    """The fixture as build_database input."""
    return {
        "training": [{"staff_id": s, "course": "Intro to PM", "session_date": _d(d),
                      "attendance": a, "service_group": g} for s, d, a, g in TRAINING],
        "service_requests": [
            {"request_id": i, "service": sv, "project_id": p, "received_date": _d(r),
             "start_date": _d(s), "end_date": _d(e), "status": st, "service_group": g}
            for i, sv, p, r, s, e, st, g in SERVICE_REQUESTS],
        "projects": [{"project_id": p, "project_name": f"Project {p}", "stage": st,
                      "start_date": _d(s), "planned_end_date": date(2027, 3, 31),
                      "service_group": g} for p, st, s, g in PROJECTS],
        "status_reports": [{"project_id": p, "report_date": _d(d), "overall_rag": r}
                           for p, d, r in STATUS_REPORTS],
        "milestones": [{"project_id": p, "milestone": n, "baseline_date": _d(b),
                        "forecast_date": _d(f), "actual_date": _d(a)}
                       for p, n, b, f, a in MILESTONES],
        "benefits": [{"benefit_id": i, "project_id": p, "description": i, "category": c,
                      "target_value": 1000, "target_date": _d(t), "realised_value": v}
                     for i, p, c, t, v in BENEFITS],
        "raid": [{"raid_id": i, "project_id": p, "raid_type": t, "title": i, "status": s,
                  "likelihood": li, "impact": im, "raised_date": _d(r)}
                 for i, p, t, s, li, im, r in RAID],
        "kpi_plan": KPI_PLAN,
        "kpi_actuals": [{"kpi_code": c, "period": _d(p), "value": v} for c, p, v in KPI_ACTUALS],
    }


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    path = build_database(tmp_path_factory.mktemp("metrics") / "t.duckdb", fixture_tables())
    handle = Database(path)
    yield handle
    handle.close()


def value(db: Database, code: str, fy: str, as_at: str, group: str | None = None) -> object:
    return m.compute(db, code, fy, date.fromisoformat(as_at), group).value


YEAR_END = "2026-03-31"

# --- training ------------------------------------------------------------------------------


def test_trained_staff_session_on_31_march_and_1_april(db: Database) -> None:
    # 2024/25: only S1's session on 31 March 2025 is in the year -> 1.
    assert value(db, "TRAINED_STAFF", "2024/25", "2025-03-31") == 1
    # 2025/26: S1 (1 April), S2 (twice, counted once), S3 (DNA then attended) -> 3.
    # S4 only DNA'd, S5 cancelled, S6 is a booking: not trained.
    assert value(db, "TRAINED_STAFF", "2025/26", YEAR_END) == 3


def test_trained_staff_only_counts_up_to_as_at(db: Database) -> None:
    # By 30 June 2025: S1 (1 April) and S2 (10 May); S3 attended on 5 July -> 2.
    assert value(db, "TRAINED_STAFF", "2025/26", "2025-06-30") == 2
    # On 1 April itself: S1 -> 1.
    assert value(db, "TRAINED_STAFF", "2025/26", "2025-04-01") == 1


def test_trained_staff_service_group(db: Database) -> None:
    # Surgery: S1, S3 -> 2. Medicine: S2 -> 1. Together they make the 3 above.
    assert value(db, "TRAINED_STAFF", "2025/26", YEAR_END, "Surgery") == 2
    assert value(db, "TRAINED_STAFF", "2025/26", YEAR_END, " medicine ") == 1
    # A group with no training rows while the records do cover the year: a true 0.
    assert value(db, "TRAINED_STAFF", "2025/26", YEAR_END, "Corporate") == 0


def test_training_dna_rate(db: Database) -> None:
    # 2025/26 rows with an outcome: Attended S1, S2, S2, S3 = 4; DNA S3, S4 = 2.
    # Rate = 2 / (4 + 2) = 33.33 %. Cancelled and Booked rows are left out.
    assert value(db, "TRAINING_DNA_RATE", "2025/26", YEAR_END) == pytest.approx(100 * 2 / 6)
    # Surgery: Attended S1, S3 = 2; DNA S3, S4 = 2 -> 50 %. Medicine: 0 DNA of 2 -> 0 %.
    assert value(db, "TRAINING_DNA_RATE", "2025/26", YEAR_END, "Surgery") == pytest.approx(50)
    assert value(db, "TRAINING_DNA_RATE", "2025/26", YEAR_END, "Medicine") == 0
    # By 30 June: Attended S1, S2 = 2; DNA S3, S4 = 2 -> 50 %.
    assert value(db, "TRAINING_DNA_RATE", "2025/26", "2025-06-30") == pytest.approx(50)


def test_trained_staff_target_and_ytd_pro_rata(db: Database) -> None:
    # Target 120 (kpi_plan). 30 June: April, May, June complete -> 120 x 3 / 12 = 30.
    mv = m.trained_staff(db, "2025/26", date(2025, 6, 30))
    assert mv.target == 120
    assert mv.ytd_target == pytest.approx(30)
    # 29 June: June is a part month and does not count -> 120 x 2 / 12 = 20.
    assert m.trained_staff(db, "2025/26", date(2025, 6, 29)).ytd_target == pytest.approx(20)
    # Year end: 12 months -> 120. Rates get no pro-rata target.
    assert m.trained_staff(db, "2025/26", date(2026, 3, 31)).ytd_target == pytest.approx(120)
    assert m.highlight_compliance(db, "2025/26", date(2025, 6, 30)).ytd_target is None
    # No plan row for 2024/25: no target, no YTD target.
    old = m.trained_staff(db, "2024/25", date(2025, 3, 31))
    assert old.target is None and old.ytd_target is None


@pytest.mark.parametrize(("as_at", "months"), [
    ("2025-03-31", 0), ("2025-04-29", 0), ("2025-04-30", 1), ("2025-06-10", 2),
    ("2025-06-30", 3), ("2026-02-28", 11), ("2026-03-30", 11), ("2026-03-31", 12),
    ("2027-01-01", 12),
])
def test_elapsed_months(as_at: str, months: int) -> None:
    assert m.elapsed_months("2025/26", date.fromisoformat(as_at)) == months


# --- PMO service log -----------------------------------------------------------------------


def test_projects_supported(db: Database) -> None:
    # 2025/26: P1 (R1, 15 Jan - 30 Jun 2025, spans two years), P3 (R3 open from 1 Aug; R4 is
    # the same project again) -> 2. R2 "cancelled" and R8 "Declined " are excluded; P4's
    # support ended on 31 March 2025.
    assert value(db, "PROJECTS_SUPPORTED", "2025/26", YEAR_END) == 2
    # 2024/25: P1 (from 15 Jan 2025) and P4 (March 2025) -> 2: P1 counts in both years.
    assert value(db, "PROJECTS_SUPPORTED", "2024/25", "2025-03-31") == 2
    # As at 15 July 2025: P1 only; P3's support starts 1 August -> 1.
    assert value(db, "PROJECTS_SUPPORTED", "2025/26", "2025-07-15") == 1
    # By group: Surgery P1 -> 1; Medicine P3 -> 1 (P2, P5 excluded).
    assert value(db, "PROJECTS_SUPPORTED", "2025/26", YEAR_END, "Surgery") == 1
    assert value(db, "PROJECTS_SUPPORTED", "2025/26", YEAR_END, "Medicine") == 1
    # Target 20 from the plan; YTD at 15 July: 3 whole months -> 20 x 3 / 12 = 5.
    mv = m.projects_supported(db, "2025/26", date(2025, 7, 15))
    assert (mv.target, mv.ytd_target) == (20, pytest.approx(5))


def test_service_log_not_covering_the_year_is_none(db: Database) -> None:
    # The log's first request was received 1 November 2024: nothing about 2023/24.
    assert value(db, "PROJECTS_SUPPORTED", "2023/24", "2024-03-31") is None
    assert value(db, "COACHING_ENGAGEMENTS", "2023/24", "2024-03-31") is None


def test_coaching_engagements(db: Database) -> None:
    # 2025/26: R6 received 1 April 2025 -> 1. 2024/25: R7 received 31 March 2025 (Declined,
    # but any status counts) -> 1.
    assert value(db, "COACHING_ENGAGEMENTS", "2025/26", YEAR_END) == 1
    assert value(db, "COACHING_ENGAGEMENTS", "2024/25", "2025-03-31") == 1
    # R6 is Surgery's: Medicine had none in 2025/26, a true 0 (the log covers the year).
    assert value(db, "COACHING_ENGAGEMENTS", "2025/26", YEAR_END, "Medicine") == 0


# --- register and highlight reports --------------------------------------------------------


def test_active_projects(db: Database) -> None:
    # 30 June 2025: PA, PB, PC (Initiation, started 1 June). PD Closed, PF Pipeline, PE starts
    # 10 July -> 3.
    assert value(db, "ACTIVE_PROJECTS", "2025/26", "2025-06-30") == 3
    # 31 July 2025: PE has started -> 4.
    assert value(db, "ACTIVE_PROJECTS", "2025/26", "2025-07-31") == 4
    # 2024/25 is judged at its 31 March 2025: PA, PB (PC, PE not started) -> 2.
    assert value(db, "ACTIVE_PROJECTS", "2024/25", "2025-06-30") == 2
    # Surgery at 30 June: PA, PB -> 2.
    assert value(db, "ACTIVE_PROJECTS", "2025/26", "2025-06-30", "Surgery") == 2


def test_highlight_compliance_31_and_32_days(db: Database) -> None:
    # 30 June 2025, window [30 May, 30 June]: PA reported 30 May (31 days old) -> compliant;
    # PB last reported 29 May (32 days old) -> not; PC never reported -> not. 1 / 3 = 33.3 %.
    assert value(db, "HIGHLIGHT_COMPLIANCE", "2025/26", "2025-06-30") == pytest.approx(100 / 3)
    # Surgery: PA yes, PB no -> 50 %. Medicine: PC no -> 0 %.
    assert value(db, "HIGHLIGHT_COMPLIANCE", "2025/26", "2025-06-30", "Surgery") == 50
    assert value(db, "HIGHLIGHT_COMPLIANCE", "2025/26", "2025-06-30", "Medicine") == 0
    # 29 June 2025, window [29 May, 29 June]: PA and PB both compliant -> 2 / 3.
    assert value(db, "HIGHLIGHT_COMPLIANCE", "2025/26", "2025-06-29") == pytest.approx(200 / 3)


def test_highlight_compliance_none_before_any_report(db: Database) -> None:
    # 2024/25 at 31 March 2025: PA and PB are active but no report is dated that early.
    assert value(db, "HIGHLIGHT_COMPLIANCE", "2024/25", "2025-03-31") is None


def test_portfolio_rag(db: Database) -> None:
    # Active at 30 June: PA latest Green (30 May), PB latest Red (29 May), PC no report.
    mv = m.portfolio_rag(db, "2025/26", date(2025, 6, 30))
    assert list(mv.breakdown) == list(RAG_ORDER)  # every RAG, in order, zeros included
    assert dict(mv.breakdown) == {"Red": 1, "Amber/Red": 0, "Amber": 0, "Amber/Green": 0,
                                  "Green": 1, "Blue": 0, "Not reported": 1}
    assert mv.value == 3
    # At 15 May: PA latest Amber (30 Apr), PB latest Green (29 Apr); PC not started.
    early = m.portfolio_rag(db, "2025/26", date(2025, 5, 15))
    assert early.breakdown["Amber"] == 1 and early.breakdown["Green"] == 1
    assert early.value == 2
    # Medicine at 30 June: PC only, Not reported (never Green).
    med = m.portfolio_rag(db, "2025/26", date(2025, 6, 30), "Medicine")
    assert med.breakdown["Not reported"] == 1 and med.value == 1


# --- milestones, benefits, risks -----------------------------------------------------------


def test_milestones_on_time(db: Database) -> None:
    # Achieved in 2025/26: M1 (-1 day), M2 (on the day), M3 (+10) -> on time 2 / 3.
    # M4 was achieved on 31 March 2025: 2024/25.
    assert value(db, "MILESTONES_ON_TIME", "2025/26", YEAR_END) == pytest.approx(200 / 3)
    # 2024/25: M4 late -> 0 %.
    assert value(db, "MILESTONES_ON_TIME", "2024/25", "2025-03-31") == 0
    # Medicine (PC): nothing achieved -> None, not 0.
    assert value(db, "MILESTONES_ON_TIME", "2025/26", YEAR_END, "Medicine") is None


def test_milestone_slippage_days(db: Database) -> None:
    # Open or achieved in 2025/26: M1 -1, M2 0, M3 +10 (actual, not its stale forecast),
    # M5 +20 (forecast). M6 has no forecast; M4 was achieved in 2024/25.
    # Median of (-1, 0, 10, 20) = (0 + 10) / 2 = 5.
    assert value(db, "MILESTONE_SLIPPAGE_DAYS", "2025/26", YEAR_END) == 5
    # Surgery: (-1, 0, 10) -> 0. Medicine: (20) -> 20.
    assert value(db, "MILESTONE_SLIPPAGE_DAYS", "2025/26", YEAR_END, "Surgery") == 0
    assert value(db, "MILESTONE_SLIPPAGE_DAYS", "2025/26", YEAR_END, "Medicine") == 20


def test_benefits_realised(db: Database) -> None:
    # Cash-releasing with target date in 2025/26: B1 1000.50 + B2 2000 = 3000.50 (B3 is
    # Quality, B4 falls in 2026/27, B5 has no realised value). The whole year counts even
    # as at 30 June.
    assert value(db, "BENEFITS_REALISED_GBP", "2025/26", YEAR_END) == pytest.approx(3000.50)
    assert value(db, "BENEFITS_REALISED_GBP", "2025/26", "2025-06-30") == pytest.approx(3000.50)
    assert value(db, "BENEFITS_REALISED_GBP", "2026/27", "2026-06-30") == pytest.approx(700)
    # Medicine (PC) in 2025/26: only B5, nothing recorded -> None, not 0.
    assert value(db, "BENEFITS_REALISED_GBP", "2025/26", YEAR_END, "Medicine") is None


def test_open_high_risks(db: Database) -> None:
    # Year end: K1 (16), K2 (15: the boundary), K6 (25, raised 1 Aug) -> 3. K3 scores 12,
    # K4 is closed, K5 is an issue.
    assert value(db, "OPEN_HIGH_RISKS", "2025/26", YEAR_END) == 3
    # 30 June 2025: K6 not raised yet -> 2 (K2 has no raised date: counted).
    assert value(db, "OPEN_HIGH_RISKS", "2025/26", "2025-06-30") == 2
    # Medicine at 30 June: none, a true 0 (the log has data).
    assert value(db, "OPEN_HIGH_RISKS", "2025/26", "2025-06-30", "Medicine") == 0


# --- KPIs from kpi_actuals -----------------------------------------------------------------


def test_kpi_sum_versus_latest_for_percent(db: Database) -> None:
    # NETWORK_EVENTS (unit "events"): 2025/26 months to 30 June 2 + 3 + 4 = 9 (March 2025's
    # 5 belongs to 2024/25). Year end: 9 + August's 1 = 10.
    assert value(db, "NETWORK_EVENTS", "2025/26", "2025-06-30") == 9
    assert value(db, "NETWORK_EVENTS", "2025/26", YEAR_END) == 10
    # PPM_ADOPTION (unit %): the latest month, June's 60, not 50 + 55 + 60.
    assert value(db, "PPM_ADOPTION", "2025/26", YEAR_END) == 60
    assert value(db, "PPM_ADOPTION", "2025/26", "2025-05-31") == 55
    # Summed KPIs get a YTD target: 24 x 3 / 12 = 6 at 30 June; % KPIs do not.
    events = m.kpi_value(db, "network_events", "2025/26", date(2025, 6, 30))
    assert events.target == 24 and events.ytd_target == pytest.approx(6)
    assert events.name == "Network events" and events.direction == "up"
    assert m.kpi_value(db, "PPM_ADOPTION", "2025/26", date(2025, 6, 30)).ytd_target is None
    # No months in 2026/27 -> None.
    assert value(db, "NETWORK_EVENTS", "2026/27", "2026-06-30") is None


def test_kpis_ignore_service_group(db: Database) -> None:
    assert value(db, "NETWORK_EVENTS", "2025/26", YEAR_END, "Surgery") == 10


def test_catalogue_lists_builtins_then_plan_kpis(db: Database) -> None:
    codes = [d.code for d in m.catalogue(db)]
    assert codes[: len(m.CATALOGUE)] == [d.code for d in m.CATALOGUE]
    assert codes[len(m.CATALOGUE):] == ["NETWORK_EVENTS", "PPM_ADOPTION"]
    for d in m.CATALOGUE:
        assert d.definition and d.unit and d.owner and d.direction in ("up", "down", "neither")


# --- compute_all, previous, freshness --------------------------------------------------------


def test_compute_all_with_previous(db: Database) -> None:
    out = m.compute_all(db, "2025/26", date(2026, 3, 31))
    assert list(out)[: len(m.CATALOGUE)] == [d.code for d in m.CATALOGUE]
    trained = out["TRAINED_STAFF"]
    # Previous: 2024/25 as at 31 March 2025 -> S1 only -> 1; delta 3 - 1 = 2.
    assert trained.value == 3 and trained.previous.value == 1 and trained.delta == 2
    assert trained.previous.fy == "2024/25" and trained.previous.as_at == date(2025, 3, 31)
    # The same numbers as the one-metric functions.
    for code, mv in out.items():
        assert mv.value == m.compute(db, code, "2025/26", date(2026, 3, 31)).value, code


def test_previous_missing_is_none(db: Database) -> None:
    # As at 30 June 2025 the previous is 2024/25 as at 30 June 2024: no training rows then.
    out = m.compute_all(db, "2025/26", date(2025, 6, 30))
    assert out["TRAINED_STAFF"].previous.value is None
    assert out["TRAINED_STAFF"].delta is None


def test_as_at_defaults_to_latest_data_date(db: Database) -> None:
    # Latest event dates: training 10 Sep 2025 (S2; S6's 1 Oct booking has no outcome),
    # requests received 1 Sep, risks raised 1 Aug, KPI month 1 Aug, reports 15 Jun,
    # milestones achieved 11 Jun -> 10 September 2025.
    assert m.latest_data_date(db) == date(2025, 9, 10)
    out = m.compute_all(db, "2025/26")
    assert out["TRAINED_STAFF"].as_at == date(2025, 9, 10)
    # S1, S2, S3 by 10 September -> 3.
    assert out["TRAINED_STAFF"].value == 3


def test_freshness(db: Database) -> None:
    from pmo_data import freshness

    fresh = freshness.source_freshness(db)
    assert fresh["training"] == date(2025, 9, 10)
    assert fresh["status_reports"] == date(2025, 6, 15)
    assert fresh["service_requests"] == date(2025, 9, 1)
    assert fresh["kpi_actuals"] == date(2025, 8, 1)
    # No import records and no event dates: unknown, not made up.
    assert fresh["benefits"] is None and fresh["maturity"] is None
    # A metric's freshness is its source's latest date on or before the as-at date.
    mv = m.highlight_compliance(db, "2025/26", date(2025, 6, 1))
    assert mv.freshness == date(2025, 5, 30)
    assert freshness.last_import(db)["training"] is None
    # capped: as at 1 June, the training data date is the latest session by then
    assert freshness.data_dates(db, ("training",), date(2025, 6, 1))["training"] <= date(
        2025, 6, 1)


def test_service_groups_and_financial_years(db: Database) -> None:
    assert m.service_groups(db) == ["Medicine", "Surgery"]
    # Event dates fall in 2024/25 (31 Mar 2025 session, Nov 2024 request, ...) and 2025/26;
    # the plan adds 2025/26. Start and target dates are plans, not data (PD's 2023 start,
    # B4's 2026 target date do not add a year).
    assert m.financial_years(db) == ["2024/25", "2025/26"]


def test_bad_fy_raises(db: Database) -> None:
    with pytest.raises(ValueError):
        m.compute_all(db, "2025/27")


# --- missing data ----------------------------------------------------------------------------


def test_empty_database_gives_none_not_zero(empty_db: Database) -> None:
    out = m.compute_all(empty_db, "2025/26", date(2025, 6, 30))
    assert set(out) == {d.code for d in m.CATALOGUE}
    for code, mv in out.items():
        assert mv.value is None, code
        assert mv.freshness is None, code
    assert out["PORTFOLIO_RAG"].breakdown is None
    assert m.latest_data_date(empty_db) is None
    assert m.service_groups(empty_db) == [] and m.financial_years(empty_db) == []
    assert m.monthly_series(empty_db, "TRAINED_STAFF", date(2025, 4, 1), date(2026, 3, 31)) == []
    assert m.cumulative_trained_by_month(empty_db, "2025/26", date(2025, 6, 30)).empty
    assert m.training_forecast(empty_db, "2025/26", date(2025, 6, 30)).forecast is None
    assert m.rag_changes(empty_db, date(2025, 6, 30)).empty


def test_future_year_has_no_period_data(db: Database) -> None:
    # 2026/27 as at 30 June 2025: the year has not started.
    assert value(db, "TRAINED_STAFF", "2026/27", "2025-06-30") is None
    assert value(db, "MILESTONES_ON_TIME", "2026/27", "2025-06-30") is None


# --- monthly series --------------------------------------------------------------------------


def test_monthly_trained_staff(db: Database) -> None:
    series = m.monthly_series(db, "TRAINED_STAFF", date(2025, 4, 1), date(2025, 10, 31))
    assert series == [
        (date(2025, 4, 1), 1),  # S1
        (date(2025, 5, 1), 1),  # S2
        (date(2025, 6, 1), 0),  # sessions (two DNAs) but nobody attended: 0
        (date(2025, 7, 1), 1),  # S3
        (date(2025, 8, 1), 0),  # a cancelled place: a session, nobody attended
        (date(2025, 9, 1), 0),  # S2 again: trained already this year, counted in May
        (date(2025, 10, 1), 0),  # a booking only
    ]
    # the months of 2025/26 add up to the year's distinct staff trained
    assert sum(v for _, v in series) == m.trained_staff(db, "2025/26", date(2025, 10, 31)).value
    # March 2025 (S1) is before the start; no month is invented outside the data.
    assert m.monthly_series(db, "TRAINED_STAFF", date(2024, 1, 1), date(2025, 3, 31)) == [
        (date(2025, 3, 1), 1)]


def test_monthly_dna_rate(db: Database) -> None:
    series = m.monthly_series(db, "TRAINING_DNA_RATE", date(2025, 4, 1), date(2025, 10, 31))
    # Apr 0/1, May 0/1, Jun 2 DNA / 2 = 100 %, Jul 0/1, Sep 0/1; Aug and Oct have no outcome.
    assert series == [(date(2025, 4, 1), 0), (date(2025, 5, 1), 0), (date(2025, 6, 1), 100),
                      (date(2025, 7, 1), 0), (date(2025, 9, 1), 0)]


def test_monthly_highlight_compliance(db: Database) -> None:
    series = dict(m.monthly_series(db, "HIGHLIGHT_COMPLIANCE", date(2025, 3, 1),
                                   date(2025, 6, 30)))
    # 31 March: no report yet -> omitted.
    assert date(2025, 3, 1) not in series
    # 30 April, window [30 Mar, 30 Apr]: PA (30 Apr), PB (29 Apr); PC not started -> 100 %.
    assert series[date(2025, 4, 1)] == 100
    # 31 May, window [30 Apr, 31 May]: PA, PB -> 100 %.
    assert series[date(2025, 5, 1)] == 100
    # 30 June: as the metric -> 1 / 3.
    assert series[date(2025, 6, 1)] == pytest.approx(100 / 3)


def test_monthly_projects_supported(db: Database) -> None:
    series = m.monthly_series(db, "PROJECTS_SUPPORTED", date(2025, 1, 1), date(2025, 8, 31))
    assert series == [
        (date(2025, 1, 1), 1),  # P1 from 15 Jan
        (date(2025, 2, 1), 1),
        (date(2025, 3, 1), 2),  # P1, P4
        (date(2025, 4, 1), 1),
        (date(2025, 5, 1), 1),  # R2 cancelled
        (date(2025, 6, 1), 1),  # P1 ends 30 June; R8 declined
        (date(2025, 7, 1), 0),  # nobody: P3 starts 1 Aug
        (date(2025, 8, 1), 1),  # P3 (R4 not started: received 1 Sep)
    ]


def test_monthly_kpi_omits_missing_months(db: Database) -> None:
    series = m.monthly_series(db, "network_events", date(2025, 4, 1), date(2025, 8, 31))
    # July has no value: omitted, not zero.
    assert series == [(date(2025, 4, 1), 2), (date(2025, 5, 1), 3), (date(2025, 6, 1), 4),
                      (date(2025, 8, 1), 1)]


def test_monthly_series_unsupported_code(db: Database) -> None:
    with pytest.raises(ValueError):
        m.monthly_series(db, "ACTIVE_PROJECTS", date(2025, 4, 1), date(2025, 6, 30))


def test_monthly_series_service_group(db: Database) -> None:
    series = m.monthly_series(db, "TRAINED_STAFF", date(2025, 4, 1), date(2025, 9, 30),
                              "Medicine")
    # Medicine: S2 in May and again in September (counted in May, the first time this
    # year); the other months have (Surgery) sessions -> 0.
    assert series == [(date(2025, 4, 1), 0), (date(2025, 5, 1), 1), (date(2025, 6, 1), 0),
                      (date(2025, 7, 1), 0), (date(2025, 8, 1), 0), (date(2025, 9, 1), 0)]


# --- page helpers ----------------------------------------------------------------------------


def test_cumulative_trained_by_month(db: Database) -> None:
    frame = m.cumulative_trained_by_month(db, "2025/26", date(2025, 9, 30))
    assert list(frame.columns) == ["month", "trained_cumulative", "pro_rata_target"]
    assert [d.date() for d in frame["month"]] == [date(2025, k, 1) for k in range(4, 10)]
    # Apr S1 -> 1; May S2 -> 2; Jun -> 2; Jul S3 -> 3; Aug -> 3; Sep S2 again -> still 3.
    assert frame["trained_cumulative"].tolist() == [1, 2, 2, 3, 3, 3]
    # 120 x k / 12 for the k-th month.
    assert frame["pro_rata_target"].tolist() == [10, 20, 30, 40, 50, 60]
    # No target in 2024/25: NaN, not 0.
    old = m.cumulative_trained_by_month(db, "2024/25", date(2025, 3, 31))
    assert old["trained_cumulative"].tolist()[-1] == 1
    assert all(math.isnan(x) for x in old["pro_rata_target"])


def test_training_forecast(db: Database) -> None:
    f = m.training_forecast(db, "2025/26", date(2025, 9, 30))
    # 3 trained; 1 Apr - 30 Sep = 30 + 31 + 30 + 31 + 31 + 30 = 183 days; 365 days in the FY.
    assert (f.trained_to_date, f.elapsed_days, f.days_in_fy) == (3, 183, 365)
    assert f.forecast == pytest.approx(3 / 183 * 365)  # 5.98
    assert f.target == 120 and f.on_track is False


def test_rag_changes(db: Database) -> None:
    frame = m.rag_changes(db, date(2025, 6, 30))
    # PB Green (29 Apr) -> Red (29 May): worse, listed first. PA Amber -> Green: better.
    # PD has one report; PC none.
    assert frame[["project_id", "from_rag", "to_rag", "direction"]].values.tolist() == [
        ["PB", "Green", "Red", "worse"], ["PA", "Amber", "Green", "better"]]
    assert frame.loc[0, "to_date"] == date(2025, 5, 29)
    # Before the second round of reports there is nothing to compare.
    assert m.rag_changes(db, date(2025, 5, 15)).empty
    # Service group: Surgery has both; Medicine none.
    assert len(m.rag_changes(db, date(2025, 6, 30), "Surgery")) == 2
    assert m.rag_changes(db, date(2025, 6, 30), "Medicine").empty


@pytest.mark.parametrize(("before", "after", "direction"), [
    ("Red", "Amber/Red", "better"), ("Amber/Green", "Amber", "worse"),
    ("Green", "Blue", "better"), ("Blue", "Green", "worse"),
    ("Green", "Not reported", "unknown"), ("Not reported", "Red", "unknown"),
])
def test_rag_direction(before: str, after: str, direction: str) -> None:
    assert m.rag_direction(before, after) == direction


def test_previous_fy_and_leap_day() -> None:
    assert m.previous_fy("2025/26") == "2024/25"
    from pmo_data.periods import one_year_earlier

    assert one_year_earlier(date(2028, 2, 29)) == date(2027, 2, 28)


def test_to_dict_portfolio_rag(db: Database) -> None:
    out = m.compute_all(db, "2025/26", date(2025, 6, 30))
    rag = out["PORTFOLIO_RAG"].to_dict()
    assert rag["value"]["Green"] == 1 and rag["total"] == 3
    # Previous: 2024/25 at 31 March 2025 -> PA, PB active, no reports yet -> Not reported.
    assert rag["previous"]["Not reported"] == 2
    assert out["TRAINED_STAFF"].to_dict()["as_at"] == "2025-06-30"


def test_rates_carry_their_numerator_and_denominator(db: Database) -> None:
    # DNA rate 2025/26: 2 DNA of 6 places with an outcome (see test_training_dna_rate).
    dna = m.compute(db, "TRAINING_DNA_RATE", "2025/26", date.fromisoformat(YEAR_END))
    assert (dna.numerator, dna.denominator) == (2, 6)
    assert dna.value == pytest.approx(100 * dna.numerator / dna.denominator)
    # Compliance at 30 June 2025: 1 of 3 active projects reported in the 31 days.
    comp = m.compute(db, "HIGHLIGHT_COMPLIANCE", "2025/26", date(2025, 6, 30))
    assert (comp.numerator, comp.denominator) == (1, 3)
    # Milestones on time 2025/26: 2 of 3; Medicine has none achieved: no value, no parts.
    on_time = m.compute(db, "MILESTONES_ON_TIME", "2025/26", date.fromisoformat(YEAR_END))
    assert (on_time.numerator, on_time.denominator) == (2, 3)
    none = m.compute(db, "MILESTONES_ON_TIME", "2025/26", date.fromisoformat(YEAR_END),
                     "Medicine")
    assert (none.value, none.numerator, none.denominator) == (None, None, None)


def test_counts_carry_their_count_as_numerator(db: Database) -> None:
    trained = m.compute(db, "TRAINED_STAFF", "2025/26", date.fromisoformat(YEAR_END))
    assert (trained.numerator, trained.denominator) == (3, None)
    slip = m.compute(db, "MILESTONE_SLIPPAGE_DAYS", "2025/26", date.fromisoformat(YEAR_END))
    assert slip.value is not None and (slip.numerator, slip.denominator) == (None, None)
    assert m.compute_all(db, "2025/26")["TRAINING_DNA_RATE"].to_dict()["denominator"] == 6
