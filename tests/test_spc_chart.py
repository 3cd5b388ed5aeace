"""Tests of the Making Data Count chart and icons (pmo_data.charts.spc), on the figure objects."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import FrozenInstanceError
from datetime import date
from pathlib import Path

import plotly.graph_objects as go
import pytest

from pmo_data.charts.palette import (
    NHS_RED,
    NHS_WHITE,
    SPC_COMMON,
    SPC_CONCERN,
    SPC_IMPROVEMENT,
    SPC_NEUTRAL,
)
from pmo_data.charts.spc import ICONS, SpcChart, contrast_ratio, spc_figure, spc_icon_svg
from pmo_data.spc import SpcOptions, SpcResult, compute_spc

BASE_HI = [0.0, 100.0] * 7  # mean 50, limits -216 .. 316 (see tests/test_spc.py)
FIXED = SpcOptions(baseline_points=14)
ROOT = Path(__file__).resolve().parents[1]


def monthly(n: int) -> list[date]:
    return [date(2024 + (1 + i) // 12, (1 + i) % 12 + 1, 1) for i in range(n)]  # from Feb 2024


def point_colours(fig: go.Figure) -> dict[int, str]:
    """Point index -> marker colour, from the marker traces (customdata holds indices)."""
    out: dict[int, str] = {}
    for trace in fig.data:
        if trace.mode == "markers":
            for i in trace.customdata:
                out[int(i)] = trace.marker.color
    return out


def trace(fig: go.Figure, name: str) -> go.Scatter:
    found = [t for t in fig.data if t.name == name]
    assert len(found) == 1, f"expected one trace named {name!r}"
    return found[0]


def shapes(fig: go.Figure, name: str) -> list:
    return [s for s in fig.layout.shapes if s.name == name]


def annotations(fig: go.Figure, name: str) -> list:
    return [a for a in fig.layout.annotations if a.name == name]


def mixed_result(direction: str = "up", target: float | None = None) -> SpcResult:
    # point 14 beyond the upper limit (high), point 16 below the lower limit (low), 15 common
    return compute_spc(
        BASE_HI + [400.0, 40.0, -300.0, 40.0],
        monthly(18),
        direction=direction,
        target=target,
        options=FIXED,
    )


def test_returns_frozen_chart_with_result_summary() -> None:
    r = mixed_result()
    chart = spc_figure(r, title="Staff trained")
    assert isinstance(chart, SpcChart)
    assert isinstance(chart.figure, go.Figure)
    assert chart.summary == r.summary
    with pytest.raises(FrozenInstanceError):
        chart.summary = "x"  # type: ignore[misc]


def test_point_colours_follow_classification_up() -> None:
    colours = point_colours(spc_figure(mixed_result("up"), title="t").figure)
    assert len(colours) == 18
    assert colours[14] == SPC_IMPROVEMENT
    assert colours[16] == SPC_CONCERN
    assert colours[15] == colours[17] == colours[0] == SPC_COMMON


def test_point_colours_follow_classification_down_and_neither() -> None:
    down = point_colours(spc_figure(mixed_result("down"), title="t").figure)
    assert (down[14], down[16]) == (SPC_CONCERN, SPC_IMPROVEMENT)
    neither = point_colours(spc_figure(mixed_result("neither"), title="t").figure)
    assert (neither[14], neither[16]) == (SPC_NEUTRAL, SPC_NEUTRAL)


def test_marker_legend_names() -> None:
    fig = spc_figure(mixed_result("up"), title="t").figure
    names = {t.name for t in fig.data if t.mode == "markers"}
    assert names == {"Common cause", "Special cause improvement", "Special cause concern"}


def test_mean_and_limit_lines() -> None:
    fig = spc_figure(mixed_result(), title="t").figure
    mean = trace(fig, "Mean")
    assert list(mean.y) == [50.0, 50.0]
    assert mean.line.dash == "solid"
    limits = trace(fig, "Process limits")
    assert [y for y in limits.y if y is not None] == [316.0, 316.0, -216.0, -216.0]
    assert limits.line.dash == "dash"
    assert limits.x[0] == date(2024, 2, 1) and limits.x[1] == date(2025, 7, 1)


def test_limits_step_at_a_rebase() -> None:
    ds = monthly(28)
    values = [10.0, 12.0] * 7 + [20.0, 24.0] * 7
    r = compute_spc(values, ds, options=SpcOptions(rebase_dates=(ds[14],)))
    fig = spc_figure(r, title="t").figure
    assert list(trace(fig, "Mean").y) == [11.0, 11.0, None, 22.0, 22.0]
    assert list(trace(fig, "Mean").x) == [ds[0], ds[13], None, ds[14], ds[27]]


def test_target_line_default_from_result_and_labelled() -> None:
    fig = spc_figure(mixed_result(target=120.0), title="t", unit="staff").figure
    line = trace(fig, "Target 120 staff")
    assert list(line.y) == [120.0, 120.0]
    assert line.line.color == NHS_RED and line.line.dash == "dash"
    (label,) = annotations(fig, "target_label")
    assert label.text == "Target 120"


def test_target_argument_and_absence() -> None:
    fig = spc_figure(mixed_result(), title="t", target=80.0).figure
    assert list(trace(fig, "Target 80").y) == [80.0, 80.0]
    fig = spc_figure(mixed_result(), title="t").figure
    assert not [t for t in fig.data if t.name and t.name.startswith("Target")]
    assert annotations(fig, "target_label") == []


def test_icons_drawn_beside_the_title() -> None:
    fig = spc_figure(mixed_result("up", target=-300.0), title="t").figure
    (variation,) = shapes(fig, "variation_icon")
    (assurance,) = shapes(fig, "assurance_icon")
    assert variation.type == assurance.type == "circle"
    assert variation.fillcolor == ICONS["common_cause"].colour  # last point (40) is common cause
    assert assurance.fillcolor == ICONS["pass"].colour
    letters = {a.text for a in annotations(fig, "assurance_icon")}
    assert letters == {"<b>P</b>"}
    assert variation.y0 > 0 and assurance.y0 > 0  # above the plot area, in the title band


def test_variation_icon_letter_for_special_cause() -> None:
    r = compute_spc(BASE_HI + [400.0], direction="up", options=FIXED)
    fig = spc_figure(r, title="t").figure
    (shape,) = shapes(fig, "variation_icon")
    assert shape.fillcolor == SPC_IMPROVEMENT
    assert [a.text for a in annotations(fig, "variation_icon")] == ["<b>H</b>"]
    assert shapes(fig, "assurance_icon") == []  # no target


def test_title_axes_and_summary_annotation() -> None:
    r = mixed_result(target=120.0)
    fig = spc_figure(r, title="Staff trained per month", unit="staff").figure
    assert fig.layout.title.text == "Staff trained per month"
    assert fig.layout.xaxis.title.text == "Date"
    assert fig.layout.yaxis.title.text == "staff"
    (summary,) = annotations(fig, "summary")
    assert summary.text.replace("<br>", " ") == r.summary
    assert summary.yref == "paper" and summary.y == 0 and summary.yshift < 0  # under the chart


def test_y_title_overrides_unit_and_points_without_dates() -> None:
    r = compute_spc([1.0, 2.0] * 7)
    fig = spc_figure(r, title="t", unit="%", y_title="Did not attend rate").figure
    assert fig.layout.yaxis.title.text == "Did not attend rate"
    assert fig.layout.xaxis.title.text == "Point"
    assert list(trace(fig, "Common cause").x) == list(range(1, 15))


def test_hover_text() -> None:
    fig = spc_figure(mixed_result("up"), title="t", unit="staff").figure
    improvement = trace(fig, "Special cause improvement")
    assert list(improvement.hovertext) == [
        "Apr 2025<br>Value: 400 staff<br>Special cause improvement (beyond a process limit)"
    ]
    common = trace(fig, "Common cause")
    assert common.hovertext[0] == "Feb 2024<br>Value: 0 staff<br>Common cause"


def test_line_is_grey_and_covers_all_points() -> None:
    fig = spc_figure(mixed_result(), title="t").figure
    line = trace(fig, "Values")
    assert line.mode == "lines" and line.line.color == SPC_COMMON
    assert len(line.y) == 18


def test_too_few_points_draws_a_run_chart_and_says_why() -> None:
    r = compute_spc([3.0, 5.0, 4.0, 6.0], monthly(4), direction="up", target=5.0)
    chart = spc_figure(r, title="New measure")
    fig = chart.figure
    names = {t.name for t in fig.data}
    assert "Process limits" not in names and "Mean" not in names
    assert shapes(fig, "variation_icon") == [] and shapes(fig, "assurance_icon") == []
    assert set(point_colours(fig).values()) == {SPC_COMMON}
    (summary,) = annotations(fig, "summary")
    assert "Too few points for process limits (4 of the 13 needed)" in summary.text.replace(
        "<br>", " "
    )
    assert chart.summary == r.summary


def test_empty_series_still_draws() -> None:
    chart = spc_figure(compute_spc([]), title="Nothing yet")
    assert chart.summary == "No data points to chart."
    assert annotations(chart.figure, "summary")[0].text == "No data points to chart."


# ------------------------------------------------------------------------------------------
# inline SVG icons


@pytest.mark.parametrize("kind", list(ICONS))
def test_icon_svg_is_well_formed_with_title(kind: str) -> None:
    svg = spc_icon_svg(kind)
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    assert root.get("role") == "img"
    assert root.find(f"{ns}title").text == ICONS[kind].title  # type: ignore[union-attr]
    assert root.get("aria-label") == ICONS[kind].title
    assert root.find(f"{ns}circle").get("fill") == ICONS[kind].colour  # type: ignore[union-attr]
    assert root.find(f"{ns}text").text == ICONS[kind].letter  # type: ignore[union-attr]


def test_icon_letters_and_colours_follow_mdc() -> None:
    assert (ICONS["improvement_high"].colour, ICONS["improvement_high"].letter) == (
        SPC_IMPROVEMENT,
        "H",
    )
    assert (ICONS["concern_low"].colour, ICONS["concern_low"].letter) == (SPC_CONCERN, "L")
    assert (ICONS["neutral_high"].colour, ICONS["neutral_high"].letter) == (SPC_NEUTRAL, "H")
    assert [ICONS[k].letter for k in ("pass", "fail", "hit_or_miss")] == ["P", "F", "?"]
    assert ICONS["pass"].colour == SPC_IMPROVEMENT and ICONS["fail"].colour == SPC_CONCERN


@pytest.mark.parametrize("kind", list(ICONS))
def test_icons_meet_wcag_contrast(kind: str) -> None:
    spec = ICONS[kind]
    assert contrast_ratio(spec.colour, spec.text_colour) >= 4.5  # the letter
    assert contrast_ratio(spec.outline, NHS_WHITE) >= 3  # the circle edge on a white page


def test_contrast_ratio_known_values() -> None:
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21)
    assert contrast_ratio("#FFFFFF", "#FFFFFF") == pytest.approx(1)


def test_icon_svg_size_and_unknown_kind() -> None:
    assert 'width="40"' in spc_icon_svg("pass", size=40)
    with pytest.raises(ValueError, match="unknown SPC icon"):
        spc_icon_svg("amber")


def test_chart_module_does_not_import_streamlit() -> None:
    import subprocess
    import sys

    code = "import sys, pmo_data.charts.spc; print('streamlit' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "False"
