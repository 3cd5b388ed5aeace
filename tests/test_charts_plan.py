"""Unit tests of the Five-year plan figures and tables, built from hand-made inputs."""

from __future__ import annotations

import re
from datetime import date

import pytest

from pmo_data.charts import plan as charts
from pmo_data.charts.palette import NHS_BLACK, NHS_RED, NHS_WHITE
from pmo_data.plan import IprRow, KpiSpc, MaturityGrid, PlanCell, PlanGrid, PlanKpi
from pmo_data.spc import compute_spc

# --- the grid --------------------------------------------------------------------------------

GRID = PlanGrid(
    as_at=date(2025, 9, 30),
    years=("2024/25", "2025/26", "2026/27"),
    labels=("", "Year one: come together", "Year two: build as one"),
    kpis=(
        PlanKpi("EVENTS", "Network <events>", "events", "up", True, None, (
            PlanCell("2024/25", 20.0, 24.0, None, "Met", False),
            PlanCell("2025/26", 24.0, 6.0, 12.0, "Off track", True),
            PlanCell("2026/27", 24.0, None, None, "Not yet started", False),
        )),
        PlanKpi("ADOPTION", "Platform adoption", "%", "up", False, None, (
            PlanCell("2024/25", 80.0, 70.0, None, "Not met", False),
            PlanCell("2025/26", None, 85.0, None, "No target", True),
            PlanCell("2026/27", 85.0, None, None, "Not yet started", False),
        )),
    ))


def _cell(html: str, kpi: str, fy: str, part: str) -> tuple[str, str]:
    """(attributes, text) of the grid cell for kpi, fy and part."""
    found = re.search(rf'<td([^>]*data-kpi="{kpi}" data-fy="{re.escape(fy)}" '
                      rf'data-part="{part}")>(.*?)</td>', html)
    assert found, (kpi, fy, part)
    return found.group(1), re.sub(r"<[^>]+>", " ", found.group(2)).strip()


def test_grid_html_cells() -> None:
    html = charts.grid_html(GRID)
    assert _cell(html, "EVENTS", "2024/25", "target")[1] == "20 events"
    assert _cell(html, "EVENTS", "2024/25", "actual")[1] == "24 events"
    assert _cell(html, "EVENTS", "2025/26", "actual")[1] == "6 events  to date"
    assert _cell(html, "ADOPTION", "2024/25", "actual")[1] == "70%"
    assert _cell(html, "ADOPTION", "2025/26", "target")[1] == ""  # no target: blank, not 0
    attrs, text = _cell(html, "EVENTS", "2025/26", "status")
    assert text == "Off track" and charts.STATUS_STYLES["Off track"] in attrs


def test_grid_html_future_year_has_no_actual() -> None:
    html = charts.grid_html(GRID)
    assert 'data-kpi="EVENTS" data-fy="2026/27" data-part="actual"' not in html
    attrs, text = _cell(html, "EVENTS", "2026/27", "status")
    assert text == "Not yet started" and 'colspan="2"' in attrs


def test_grid_html_headings_and_escaping() -> None:
    html = charts.grid_html(GRID)
    assert "2025/26<br><span class='label'>Year one: come together</span>" in html
    assert "<th scope='colgroup' colspan='3' class='now'>2025/26" in html  # current year
    assert "<th scope='colgroup' colspan='3'>2024/25" in html
    assert "Network &lt;events&gt;" in html and "<events>" not in html
    assert html.startswith("<style>") and "\n" not in html  # one line for st.markdown


@pytest.mark.parametrize(("status", "style"), [
    ("Met", charts.STATUS_STYLES["Met"]), ("On track", charts.STATUS_STYLES["On track"]),
    ("Not yet started", "color:#425563"), ("No data", "color:#425563"), ("Other", ""),
])
def test_status_style(status: str, style: str) -> None:
    assert charts.status_style(status) == style


# --- maturity --------------------------------------------------------------------------------

MATURITY = MaturityGrid(
    perspectives=("Governance", "Benefits", "Risk"),
    dates=(date(2024, 10, 1), date(2025, 4, 1)),
    levels=((2, 3), (1, None), (None, 2)),
    targets=((3, 3), (4, None), (None, None)),
)


def test_maturity_heatmap() -> None:
    chart = charts.maturity_heatmap(MATURITY)
    fig = chart.figure
    heat = fig.data[0]
    assert list(heat.x) == ["1 Oct 2024", "1 Apr 2025"]
    assert list(heat.y) == ["Governance", "Benefits", "Risk"]
    assert [list(r) for r in heat.z] == [[2, 3], [1, None], [None, 2]]
    assert (heat.zmin, heat.zmax) == (0.5, 5.5)
    assert list(heat.colorbar.ticktext) == ["1 Awareness", "2 Repeatable", "3 Defined",
                                            "4 Managed", "5 Optimised"]
    cells = [a.text for a in fig.layout.annotations if a.name == "cell"]
    assert cells == ["<b>2</b> / 3", "<b>3</b> / 3", "<b>1</b> / 4", "<i>not assessed</i>",
                     "<i>not assessed</i>", "<b>2</b>"]
    # Below target: Governance (2 < 3) and Benefits (1 < 4) in October 2024.
    below = [s for s in fig.layout.shapes if s.name == "below_target"]
    assert len(below) == 2 and all(s.line.color == NHS_RED for s in below)
    assert chart.summary == ("At the latest assessment (1 Apr 2025), 2 of 3 perspectives were "
                             "assessed and 1 of 1 with a target was at or above it.")


def test_maturity_text_contrasts_with_the_cell() -> None:
    fig = charts.maturity_heatmap(MATURITY).figure
    colours = {a.text: a.font.color for a in fig.layout.annotations if a.name == "cell"}
    assert colours["<b>1</b> / 4"] == NHS_BLACK  # on pale grey
    assert colours["<b>3</b> / 3"] == NHS_WHITE  # on NHS blue


def test_maturity_heatmap_names_perspectives_below_target_now() -> None:
    grid = MaturityGrid(("A", "B"), (date(2025, 4, 1),), ((2,), (3,)), ((3,), (3,)))
    assert charts.maturity_heatmap(grid).summary == (
        "At the latest assessment (1 Apr 2025), 2 of 2 perspectives were assessed and 1 of 2 "
        "with a target was at or above it; below target: A (2 against 3).")


def test_maturity_heatmap_empty() -> None:
    chart = charts.maturity_heatmap(MaturityGrid((), (), (), ()))
    assert not chart.figure.data
    assert chart.summary == "No maturity self-assessments have been recorded yet."


# --- SPC per KPI -----------------------------------------------------------------------------

MONTHS = tuple(date(2024 + (3 + i) // 12, (3 + i) % 12 + 1, 1) for i in range(15))
VALUES = (2.0, 3, 1, 2, 2, 3, 1, 2, 2, 3, 1, 2, 1, 1, 0)


def _kpi(target: float | None, rule: str = "divide", annual: float | None = 24.0) -> KpiSpc:
    result = compute_spc(VALUES, MONTHS, direction="up", target=target)
    return KpiSpc("EVENTS", "Network events", "Network events per month", "Events", "", "up",
                  "2025/26", annual, target, rule, MONTHS, VALUES, result)


def test_kpi_spc_chart() -> None:
    k = _kpi(2.0)
    chart = charts.kpi_spc_chart(k)
    fig = chart.figure
    assert fig.layout.title.text == "Network events per month"
    assert fig.layout.yaxis.title.text == "Events"
    assert "Target 2" in [t.name for t in fig.data]
    assert "Process limits" in [t.name for t in fig.data]  # 15 points >= 13
    # The page shows the summary as a caption, so the figure does not repeat it.
    assert not [a for a in fig.layout.annotations if a.name == "summary"]
    assert chart.summary == k.result.summary
    kept = charts.kpi_spc_chart(k, summary_in_figure=True).figure
    assert [a for a in kept.layout.annotations if a.name == "summary"]


def test_target_note() -> None:
    assert charts.target_note(_kpi(2.0)) == (
        "Monthly target 2: annual target / 12 (the year's value is the sum of its months), "
        "from the 2025/26 annual target of 24.")
    assert charts.target_note(_kpi(None, "none", 20.0)).startswith(
        "Annual target 20 for 2025/26; no monthly target is drawn (none: the monthly value is "
        "a caseload")
    assert charts.target_note(_kpi(None, "divide", None)) == (
        "No target: the plan sets none for 2025/26.")


# --- IPR table -------------------------------------------------------------------------------


def test_ipr_table_html() -> None:
    rows = [
        IprRow("EVENTS", "Network events per month", "", date(2025, 9, 1), 1.0, 2.0,
               "common_cause", "hit_or_miss", "..."),
        IprRow("ADOPTION", "Adoption per month", "%", date(2025, 9, 1), 85.04, 80.0, None,
               None, "..."),
        IprRow("PROJECTS_SUPPORTED", "Projects", "", None, None, None, "improvement_high", None,
               "..."),
    ]
    html = charts.ipr_table_html(rows)
    assert html.count("<svg") == 3  # two icons for EVENTS, one for PROJECTS_SUPPORTED
    assert "<title>Common cause variation</title>" in html
    assert 'aria-label="Target may or may not be met (hit or miss)"' in html
    assert "<title>Special cause improvement (high)</title>" in html
    # Text, not icons, where an icon cannot be drawn, and why.
    assert html.count(">too few points</td>") == 2  # ADOPTION: no limits for either icon
    assert ">no target</td>" in html  # PROJECTS_SUPPORTED assurance
    assert "<td class='num'>85%</td><td class='num'>80%</td>" in html
    assert "<td>no data</td>" in html and "<td class='num'>none</td>" in html
    assert "<td>Sep 2025</td>" in html


def test_ipr_table_not_judged_without_direction() -> None:
    row = IprRow("X", "X per month", "", date(2025, 9, 1), 1.0, 2.0, "neutral_high", None, "")
    assert ">not judged</td>" in charts.ipr_table_html([row])
