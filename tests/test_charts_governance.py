"""Unit tests of pmo_data.charts.governance on hand-made frames: traces, colours, summaries."""

from __future__ import annotations

from datetime import date

import pandas as pd

from pmo_data.charts import governance as charts
from pmo_data.charts.palette import NHS_RED, NHS_WHITE, RAG_COLOURS


def test_money_format():
    assert charts.money(1_234_567) == "£1.2m"
    assert charts.money(45_000) == "£45k"
    assert charts.money(950) == "£950"
    assert charts.money(-20_000) == "-£20k"
    assert charts.money(None) == "no value"


BY = pd.DataFrame({
    "group": ["Cash-releasing", "Quality", "Safety"],
    "benefits": [4, 1, 2],
    "benefits_realised": [1, 0, 2],
    "target_value": [4700.0, None, None],
    "realised_value": [950.0, None, None],
    "realised_pct": [20.2, None, None],
})


def test_benefits_counts_chart():
    chart = charts.benefits_planned_realised(BY, "category", "count")
    planned, realised = chart.figure.data
    # drawn bottom-up, most planned on top: Quality (1), Safety (2), Cash-releasing (4)
    assert list(planned.y) == ["Quality", "Safety", "Cash-releasing"]
    assert list(planned.x) == [1, 2, 4]
    assert list(realised.x) == [0, 2, 1]
    assert chart.figure.layout.xaxis.title.text == "Benefits"
    # 1 + 0 + 2 = 3 of 4 + 1 + 2 = 7 realised = 43%
    assert chart.summary == ("3 of 7 benefits realised (43%) across 3 categories; most "
                             "planned: Cash-releasing (4).")


def test_benefits_value_chart_leaves_out_unvalued_groups():
    chart = charts.benefits_planned_realised(BY, "category", "value")
    planned, realised = chart.figure.data
    assert list(planned.y) == ["Cash-releasing"] and list(realised.x) == [950.0]
    assert chart.figure.layout.xaxis.tickprefix == "£"
    assert chart.summary == ("£950 of £4,700 planned £ value realised (20%) across 1 "
                             "categories; largest planned: Cash-releasing (£4,700); "
                             "2 categories have no £ value.")


def test_empty_frames_say_so():
    chart = charts.benefits_planned_realised(BY.iloc[0:0], "project", "count")
    assert chart.summary == "No benefits to show."
    assert chart.figure.layout.annotations[0].text == "No benefits to show."


def test_cash_by_fy_chart():
    frame = pd.DataFrame({"financial_year": ["2025/26", "2026/27", "No target date"],
                          "benefits": [2, 1, 1], "target_value": [4000.0, 500.0, 200.0],
                          "realised_value": [400.0, None, 50.0]})
    chart = charts.cash_releasing_by_fy_chart(frame)
    target, realised = chart.figure.data
    assert list(target.x) == ["2025/26", "2026/27"]  # the undated row is not a year
    assert list(realised.y) == [400.0, None]  # missing stays missing, not 0
    assert chart.summary == ("Cash-releasing benefits: £4,500 planned and £400 realised "
                             "across 2 financial years; largest year 2025/26 (£4,000); 1 have "
                             "no target date.")


def test_sankey_nodes_and_flows():
    frame = pd.DataFrame({
        "strategic_shift": ["Analogue to digital", "No shift recorded", "No shift recorded"],
        "project_id": ["P1", "P2", "P2"], "project_name": ["Alpha", "Beta", "Beta"],
        "category": ["Cash-releasing", "Cash-releasing", "Quality"],
        "benefits": [2, 1, 1], "target_value": [4000.0, 500.0, 0.0]})
    chart = charts.benefits_sankey(frame, "value")
    sankey = chart.figure.data[0]
    # nodes: shifts, then projects, then categories; the zero-value Quality flow is dropped
    assert list(sankey.node.label) == ["Analogue to digital", "No shift recorded", "P1 Alpha",
                                       "P2 Beta", "Cash-releasing"]
    assert list(sankey.link.source) == [0, 1, 2, 3]
    assert list(sankey.link.target) == [2, 3, 4, 4]
    assert list(sankey.link.value) == [4000.0, 500.0, 4000.0, 500.0]
    # 4000 / 4500 = 89%
    assert chart.summary == ("2 projects under 2 strategic shifts (including No shift "
                             "recorded) carry £4,500; the largest flow is Analogue to digital "
                             "(89%).")
    counted = charts.benefits_sankey(frame, "count")
    assert "Quality" in counted.figure.data[0].node.label
    assert counted.summary.startswith("2 projects under 2 strategic shifts")
    assert "4 benefits" in counted.summary


def _cells(counts: dict[tuple[int, int], int]) -> pd.DataFrame:
    return pd.DataFrame([{"likelihood": lik, "impact": imp, "score": lik * imp,
                          "count": counts.get((lik, imp), 0)}
                         for lik in range(1, 6) for imp in range(1, 6)])


def test_risk_heatmap_cells_text_and_selection():
    chart = charts.risk_heatmap(_cells({(5, 4): 2, (2, 3): 1}), unscored=1, selected=(5, 4))
    heat, cells = chart.figure.data[0], chart.figure.data[1]
    # band index per cell: likelihood 5 x impact 4 = 20 is "very high" (band 3)
    assert heat.z[4][3] == 3 and heat.z[0][0] == 0
    # the clickable layer: point (impact 4, likelihood 5) shows 2 in white on red
    i = [k for k, (x, y) in enumerate(zip(cells.x, cells.y, strict=True)) if (x, y) == (4, 5)][0]
    assert cells.text[i] == "2" and cells.textfont.color[i] == NHS_WHITE
    assert list(cells.customdata[i]) == [5, 4]
    assert chart.figure.layout.shapes[0].x0 == 3.5  # the selected cell is outlined
    legend = [t.name for t in chart.figure.data[2:]]
    assert legend == [b[1] for b in charts.RISK_BANDS]
    assert chart.figure.data[-1].marker.color == NHS_RED
    assert chart.summary == ("3 open risks scored; 2 very high (score 15 or more); most in "
                             "likelihood 5 x impact 4 (2); 1 open risk lacks a score.")


def test_risk_heatmap_empty():
    assert charts.risk_heatmap(_cells({})).summary == (
        "No open risks with a likelihood and impact.")


def test_issues_chart():
    frame = pd.DataFrame({"group": ["Medicine", "Surgery"], "open": [3, 0], "closed": [1, 2]})
    chart = charts.issues_chart(frame, "service_group")
    open_bars, closed_bars = chart.figure.data
    assert list(open_bars.y) == ["Surgery", "Medicine"] and list(open_bars.x) == [0, 3]
    assert chart.figure.layout.barmode == "stack"
    assert chart.summary == "3 open and 3 closed issues; most open: Medicine (3)."


def test_raid_trend_chart():
    table = pd.DataFrame({"month": pd.to_datetime(["2025-12-01", "2026-01-01", "2026-02-01"]),
                          "raised": [2, 1, 1], "closed_in_month": [1, 1, 0],
                          "open_at_month_end": [4, 4, 5]})
    chart = charts.raid_trend_chart(table, "Risks")
    assert [t.name for t in chart.figure.data] == ["Raised in month", "Closed in month",
                                                   "Open at month end"]
    assert list(chart.figure.data[2].y) == [4, 4, 5]
    assert chart.summary == ("Risks open at the end of Feb 2026: 5 (+1 since Dec "
                             "2025); 4 raised and 2 closed over 3 months.")


def test_rag_mix_chart():
    counts = pd.DataFrame({"overall_rag": ["Red", "Amber/Red", "Amber", "Amber/Green", "Green",
                                           "Blue", "Not reported"],
                           "before": [3, 1, 0, 0, 3, 0, 0], "after": [2, 0, 2, 0, 2, 0, 1]})
    chart = charts.rag_mix_chart(counts, date(2026, 1, 31), date(2026, 2, 28))
    red = chart.figure.data[0]
    assert red.name == "Red" and red.marker.color == RAG_COLOURS["Red"]
    assert list(red.x) == [3, 2] and list(red.y) == ["31 Jan 2026", "28 Feb 2026"]
    assert chart.summary == ("Active projects: 7 on 31 Jan 2026 and 7 on 28 Feb 2026; Red 3 to "
                             "2; Green 3 to 2.")


DURATIONS = pd.DataFrame({
    "project_id": ["E1", "E2", "E3"], "project_name": ["a", "b", "c"],
    "service_group": ["Medicine", "Medicine", "Surgery"],
    "pmo_service": ["Coaching", "Coaching", "Not recorded"],
    "planned_days": [100, 100, 100], "actual_days": [120, 90, 200],
    "overrun_days": [20, -10, 100], "overrun_pct": [20.0, -10.0, 100.0]})


def test_duration_scatter():
    chart = charts.duration_scatter(DURATIONS)
    line, medicine, surgery = chart.figure.data
    assert line.name == "On plan" and list(line.x) == [0, 210.0]  # 200 x 1.05
    assert medicine.name == "Medicine" and list(medicine.x) == [100, 100]
    assert list(surgery.y) == [200]
    assert chart.summary == ("2 of 3 closed projects finished later than planned; median "
                             "overrun 20 days (20% of the planned duration).")
    assert charts.duration_scatter(DURATIONS.iloc[0:0]).summary == (
        "No closed projects with an actual end date yet.")


def test_overrun_chart():
    frame = pd.DataFrame({"group": ["Medicine", "Surgery", "All"], "projects": [3, 1, 4],
                          "median_overrun_days": [20.0, 10.0, 15.0],
                          "p80_overrun_days": [68.0, 10.0, 52.0]})
    chart = charts.overrun_chart(frame, "service_group")
    median, p80 = chart.figure.data
    assert list(median.y) == ["All (n=4)", "Surgery (n=1)", "Medicine (n=3)"]
    assert list(p80.x) == [52.0, 10.0, 68.0]
    assert chart.summary == ("Across all 4 closed projects the median overrun is 15 days and "
                             "the 80th percentile 52 days; worst 80th percentile: Medicine "
                             "(68 days).")


def test_raid_trend_chart_does_not_claim_the_end_of_a_running_month() -> None:
    table = pd.DataFrame({"month": [date(2026, 11, 1), date(2026, 12, 1)],
                          "month_end": [date(2026, 11, 30), date(2026, 12, 2)],
                          "raised": [2, 1], "closed_in_month": [0, 0],
                          "open_at_month_end": [5, 6]})
    summary = charts.raid_trend_chart(table, "Risks").summary
    assert summary.startswith("Risks open on 2 Dec 2026: 6 (+1 since Nov 2026)")
    ended = charts.raid_trend_chart(table.iloc[:1], "Risks").summary
    assert ended.startswith("Risks open at the end of Nov 2026: 5")
