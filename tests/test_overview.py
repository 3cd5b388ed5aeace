"""Unit tests of the Overview's headline tiles, RAG changes and tile pictures, on a fixture
worked out by hand (the portfolio fixture of test_portfolio plus 15 months of training and a
hand-kept KPI), evaluated at 30 June 2025 (FY 2025/26)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from test_portfolio import AT, FY, portfolio_tables

from pmo_data import metrics
from pmo_data import overview as ov
from pmo_data.charts import overview as charts
from pmo_data.db import Database, build_database
from pmo_data.metrics import MetricValue

#: Staff attended per month, April 2024 to June 2025 (15 months).
MONTHLY = [4, 6, 4, 6, 4, 6, 4, 6, 4, 6, 4, 6, 4, 6, 30]


def overview_tables() -> dict[str, list[dict[str, Any]]]:
    """Portfolio fixture + training (each person once, on the 15th; April 2025's four in
    Medicine, everyone else Surgery; one DNA in May 2025) + plan and a hand-kept KPI."""
    tables = portfolio_tables()
    training = []
    for k, n in enumerate(MONTHLY):
        year, month = 2024 + (3 + k) // 12, (3 + k) % 12 + 1
        group = "Medicine" if (year, month) == (2025, 4) else "Surgery"
        training += [dict(staff_id=f"S{k}-{i}", course="Intro", attendance="Attended",
                          session_date=date(year, month, 15), service_group=group)
                     for i in range(n)]
    training.append(dict(staff_id="D1", course="Intro", attendance="Did not attend",
                         session_date=date(2025, 5, 20), service_group="Surgery"))
    tables["training"] = training
    tables["kpi_plan"] = [
        dict(kpi_code="TRAINED_STAFF", financial_year="2024/25", target=120.0),
        dict(kpi_code="TRAINED_STAFF", financial_year="2025/26", target=120.0),
        dict(kpi_code="HIGHLIGHT_COMPLIANCE", financial_year="2025/26", target=90.0),
        dict(kpi_code="HUB_VIEWS", financial_year="2025/26", target=1200.0,
             kpi_name="Hub views", unit="views", direction="up"),
    ]
    tables["kpi_actuals"] = [dict(kpi_code="HUB_VIEWS", period=date(2025, 4, 1), value=100.0),
                             dict(kpi_code="HUB_VIEWS", period=date(2025, 5, 1), value=150.0)]
    return tables


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    path = build_database(tmp_path_factory.mktemp("overview") / "o.duckdb", overview_tables())
    with Database(path) as handle:
        yield handle


@pytest.fixture(scope="module")
def tiles(db: Database) -> dict[str, ov.Tile]:
    return {t.code: t for t in ov.headline_tiles(db, FY, AT)}


# --- formatting -----------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "unit", "text"), [
    (None, "count", "no data"),
    (float("nan"), "%", "no data"),
    (0, "count", "0"),  # a real zero stays zero
    (1234, "count", "1,234"),
    (86.956, "%", "87%"),
    (84.44, "%", "84.4%"),
    (435150.4, "£", "£435,150"),
    (-1200, "£", "-£1,200"),
    (1, "days", "1 day"),
    (2.5, "days", "2.5 days"),
    (3879.0, "views", "3,879 views"),
    (7, "", "7"),
])
def test_format_value(value: float | None, unit: str, text: str) -> None:
    assert ov.format_value(value, unit) == text


@pytest.mark.parametrize(("delta", "unit", "text"), [
    (26, "count", "+26"),
    (-5.43, "%", "-5.4 pts"),
    (-295350, "£", "-£295,350"),
    (2, "days", "+2 days"),
    (0.01, "%", "No change"),
    (-309, "views", "-309 views"),
])
def test_format_delta(delta: float, unit: str, text: str) -> None:
    assert ov.format_delta(delta, unit) == text


def test_freshness_text() -> None:
    assert ov.freshness_text("training", date(2026, 11, 12)) == "training data up to 12 Nov 2026"
    assert ov.freshness_text("kpi_actuals", date(2026, 10, 1)) == "KPI data up to Oct 2026"
    assert ov.freshness_text("service_requests", None) == "no service log data"


def test_spc_window_uses_complete_months() -> None:
    # The window every surface uses (pmo_data.spc_rules): 60 complete months.
    # 30 June is a month end: July 2020 - June 2025.
    assert ov.spc_window(date(2025, 6, 30)) == (date(2020, 7, 1), date(2025, 6, 30))
    # 10 June: June is a part month, so the window ends 31 May.
    assert ov.spc_window(date(2025, 6, 10)) == (date(2020, 6, 1), date(2025, 5, 31))


def test_monthly_target() -> None:
    defs = {d.code: d for d in metrics.CATALOGUE}
    assert ov.monthly_target(defs["TRAINED_STAFF"], 120.0) == 10.0  # 120 a year / 12
    assert ov.monthly_target(defs["HIGHLIGHT_COMPLIANCE"], 90.0) == 90.0  # a rate as it is
    assert ov.monthly_target(defs["PROJECTS_SUPPORTED"], 20.0) is None
    assert ov.monthly_target(defs["TRAINED_STAFF"], None) is None


# --- tiles ----------------------------------------------------------------------------------


def test_tiles_show_the_catalogue_numbers(db: Database, tiles: dict[str, ov.Tile]) -> None:
    values = metrics.compute_all(db, FY, AT)
    assert list(tiles) == list(values)  # every metric, catalogue order
    for code, mv in values.items():
        assert tiles[code].value == mv.value
        assert tiles[code].value_text == ov.format_value(mv.value, mv.unit)
        assert tiles[code].target == mv.target


def test_trained_staff_tile(tiles: dict[str, ov.Tile]) -> None:
    t = tiles["TRAINED_STAFF"]
    # FY 2025/26 to 30 June: April 4 + May 6 + June 30 = 40 different people.
    assert t.value_text == "40"
    # YTD target 120 x 3 whole months / 12 = 30; 40 >= 30.
    assert t.target_text == "Year-to-date target 30 (120 a year): On track"
    assert t.target_met is True
    # 2024/25 to 30 June 2024: 4 + 6 + 4 = 14; 40 - 14 = +26, up is better.
    assert (t.delta_text, t.delta_description, t.delta_color, t.delta_arrow) == (
        "+26", "vs 2024/25", "normal", "auto")
    assert t.previous_text == "2024/25 to 30 Jun 2024: 14"
    assert t.freshness_text == "training data up to 15 Jun 2025"
    # SPC over the 15 months: mean 100/15 = 6.67, mean moving range (13 x 2 + 24)/14 = 3.57,
    # upper limit 6.67 + 2.66 x 3.57 = 16.17: June's 30 is above it (improvement, high).
    # The monthly target 120 / 12 = 10 lies inside the limits (-2.83 to 16.17): hit or miss.
    assert (t.variation_icon, t.assurance_icon) == ("improvement_high", "hit_or_miss")
    assert t.spc_text and "Special cause improvement" in t.spc_text
    assert (t.page, t.page_label, t.section) == ("pages/training.py", "Training",
                                                 "Training and PM services")
    assert t.help.startswith("Number of different staff")
    assert "Monthly pattern: Special cause improvement" in t.help


def test_rate_tiles(tiles: dict[str, ov.Tile]) -> None:
    dna = tiles["TRAINING_DNA_RATE"]
    # 1 DNA / (40 attended + 1 DNA) = 2.44%; 2024/25 to 30 June had no DNA: 0%.
    assert dna.value_text == "2.4%"
    assert (dna.delta_text, dna.delta_color) == ("+2.4 pts", "inverse")  # down is better
    assert dna.target_text == "No target in the plan"
    compliance = tiles["HIGHLIGHT_COMPLIANCE"]
    # Active P1, P2, P3, P7, P8; reported since 30 May: P1 (31 May), P7 (30 June): 2/5.
    assert compliance.value_text == "40%"
    assert compliance.target_text == "Target 90%: Off track" and compliance.target_met is False
    # Its monthly series has fewer than 13 months: no icons, and the reason is given.
    assert compliance.variation_icon is None and compliance.assurance_icon is None
    assert compliance.spc_text and "13" in compliance.spc_text


def test_missing_data_is_no_data(tiles: dict[str, ov.Tile]) -> None:
    t = tiles["COACHING_ENGAGEMENTS"]  # no service log at all
    assert t.value is None and t.value_text == "no data"
    assert t.delta_text is None and t.delta_color == "off"
    assert t.target_met is None
    assert t.variation_icon is None and t.spc_text is None  # no verdict beside no data
    assert t.freshness_text == "no service log data"
    assert t.previous_text == "2024/25 to 30 Jun 2024: no data"


def test_portfolio_rag_tile(tiles: dict[str, ov.Tile]) -> None:
    t = tiles["PORTFOLIO_RAG"]
    # Red P1, P8; Amber/Green P7; Green P2; Not reported P3.
    assert t.value_text == "5"
    assert t.breakdown == (("Red", 2), ("Amber/Red", 0), ("Amber", 0), ("Amber/Green", 1),
                           ("Green", 1), ("Blue", 0), ("Not reported", 1))
    assert t.target_text is None and t.delta_color == "off"  # direction neither
    assert t.page == "pages/portfolio.py" and t.section == "Portfolio delivery"


def test_plan_kpi_tile(tiles: dict[str, ov.Tile]) -> None:
    t = tiles["HUB_VIEWS"]
    # April 100 + May 150 = 250 views; YTD target 1,200 x 3 / 12 = 300: behind.
    assert (t.name, t.value_text) == ("Hub views", "250 views")
    assert t.target_text == "Year-to-date target 300 views (1,200 views a year): Off track"
    assert t.delta_text is None  # no 2024/25 figure
    assert t.freshness_text == "KPI data up to May 2025"
    assert t.variation_icon is None  # two months only
    assert (t.page, t.section) == ("pages/five_year_plan.py", "Five-year plan measures")


def test_other_tiles(tiles: dict[str, ov.Tile]) -> None:
    # Cash-releasing B1 (target date 31 Dec 2025) realised £250.
    assert tiles["BENEFITS_REALISED_GBP"].value_text == "£250"
    # Open risks scoring 15+: R1 (4 x 4) and R4 (5 x 5).
    assert tiles["OPEN_HIGH_RISKS"].value_text == "2"
    # Achieved 1 April - 30 June: M1 (early), M2 (on the day), M3 (late), M8 (late): 2/4.
    assert tiles["MILESTONES_ON_TIME"].value_text == "50%"


def test_service_group_filter(db: Database) -> None:
    medicine = {t.code: t for t in ov.headline_tiles(db, FY, AT, "Medicine")}
    assert medicine["TRAINED_STAFF"].value_text == "4"  # April 2025's four
    assert medicine["ACTIVE_PROJECTS"].value_text == "2"  # P3, P7


def test_make_tile_without_change() -> None:
    defn = metrics.get_definition("OPEN_HIGH_RISKS")
    prev = MetricValue("OPEN_HIGH_RISKS", "Open high risks", 3, None, None, "count", "down",
                       date(2024, 6, 30), None, "2024/25")
    mv = MetricValue("OPEN_HIGH_RISKS", "Open high risks", 3, 2.0, None, "count", "down",
                     AT, AT, FY, previous=prev)
    t = ov.make_tile(defn, mv)
    assert (t.delta_text, t.delta_color, t.delta_arrow) == ("No change", "off", "off")
    assert t.target_text == "Target 2: Off track" and t.target_met is False  # 3 > 2, down
    assert t.variation_icon is None and t.spc_text is None


def test_tile_links_point_at_pages_in_the_navigation() -> None:
    navigation = (Path(__file__).resolve().parent.parent / "dashboard.py").read_text()
    targets = {page for page, _ in ov.PAGE_LINKS.values()} | {ov.KPI_PAGE[0]}
    for target in targets:
        assert f'st.Page("{target}"' in navigation, target


def test_by_section(tiles: dict[str, ov.Tile]) -> None:
    sections = ov.by_section(list(tiles.values()))
    assert [name for name, _ in sections] == [
        "Portfolio delivery", "Milestones and benefits", "Training and PM services",
        "Five-year plan measures"]
    assert [t.code for t in sections[0][1]] == ["PORTFOLIO_RAG", "ACTIVE_PROJECTS",
                                                "HIGHLIGHT_COMPLIANCE", "OPEN_HIGH_RISKS"]
    assert [t.code for t in sections[-1][1]] == ["HUB_VIEWS"]


# --- RAG changes ----------------------------------------------------------------------------


def test_recent_rag_changes(db: Database) -> None:
    changes = ov.recent_rag_changes(db, FY, AT)
    # Since 30 May (31 days before 30 June): P1 Amber -> Red on 31 May (worse), P7 Red ->
    # Amber/Green on 30 June (better). P8's Green -> Red on 28 Feb is too old.
    assert list(changes.frame["project_id"]) == ["P1", "P7"]
    assert list(changes.frame["change"]) == ["Worse", "Better"]
    assert list(changes.frame["from_rag"]) == ["Amber", "Red"]
    assert list(changes.frame["link"]) == ["portfolio?project=P1", "portfolio?project=P7"]
    assert (changes.worse, changes.better, changes.unknown) == (1, 1, 0)
    assert changes.summary == ("2 projects changed RAG in reports since 30 May 2025: 1 worse, "
                               "1 better.")
    wider = ov.recent_rag_changes(db, FY, AT, within_days=200)
    assert list(wider.frame["project_id"]) == ["P1", "P8", "P7"]  # worse first, newest first
    surgery = ov.recent_rag_changes(db, FY, AT, "Surgery")
    assert list(surgery.frame["project_id"]) == ["P1"]


def test_no_rag_changes(tmp_path: Path) -> None:
    with Database(build_database(tmp_path / "e.duckdb", {})) as empty:
        changes = ov.recent_rag_changes(empty, FY, AT)
    assert changes.frame.empty
    assert changes.summary == "No project's overall RAG changed in reports since 30 May 2025."


# --- tile pictures --------------------------------------------------------------------------


def test_rag_row() -> None:
    row = charts.rag_row((("Red", 2), ("Amber", 0), ("Green", 1), ("Not reported", 1)))
    assert row.summary == "Of 4 active projects, 2 are Red, 1 Green and 1 Not reported."
    assert row.html.count("flex:") >= 3
    assert ">Red 2<" in row.html and ">Not reported 1<" in row.html
    assert "Amber" not in row.html  # zero counts left out
    assert f'aria-label="{row.summary}"' in row.html
    assert charts.rag_row((("Red", 0),)).summary == "No active projects."
    assert charts.rag_summary((("Green", 1),)) == "The one active project is Green."


def test_spc_icons_html() -> None:
    html = charts.spc_icons_html("improvement_high", "hit_or_miss")
    assert "spc-icon-improvement_high" in html and "spc-icon-hit_or_miss" in html
    assert "Special cause improvement (high); Target may or may not be met" in html
    assert charts.spc_icons_html(None, None) == ""
    assert "spc-icon-common_cause" in charts.spc_icons_html("common_cause", None)
