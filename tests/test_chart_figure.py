"""The figure builder (pmo_data.charts.figure): plotly's update semantics on plain dicts, and
the fast figure (plotly validation skipped) equal to the validated one for every chart test."""

from __future__ import annotations

import inspect
import json

import plotly.graph_objects as go
import pytest
import test_charts_governance
import test_charts_plan
import test_charts_portfolio
import test_charts_training
import test_charts_value
import test_spc_chart

from pmo_data.charts.figure import FigureBuilder, strict, trace


def spec(fig: go.Figure) -> dict:
    return json.loads(fig.to_json())


BUILD = FigureBuilder.build


def both(builder: FigureBuilder, monkeypatch: pytest.MonkeyPatch) -> tuple[dict, dict]:
    """The builder's figure as JSON, fast and validated."""
    monkeypatch.setenv("PMO_STRICT_FIGURES", "0")
    fast = spec(BUILD(builder))
    monkeypatch.setenv("PMO_STRICT_FIGURES", "1")
    return fast, spec(BUILD(builder))


def test_strict_under_pytest_unless_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PMO_STRICT_FIGURES", raising=False)
    assert strict()
    monkeypatch.setenv("PMO_STRICT_FIGURES", "0")
    assert not strict()


def test_magic_underscores_none_and_titles_as_plotly(monkeypatch: pytest.MonkeyPatch) -> None:
    fig = FigureBuilder(trace("bar", x=[1, 2], y=[3, 4], marker_color="#005EB8",
                              marker_line={"color": "#231F20", "width": 1}))
    fig.add_trace(trace("scatter", x=[1], y=[2], error_y={"array": [1]}))
    fig.update_layout(title="First", template="plotly_white", plot_bgcolor="#FFFFFF",
                      legend={"title": None, "x": 0}, hoverlabel={"font_size": 13})
    fig.update_layout(title_font_size=17, legend_traceorder="reversed")
    fig.update_xaxes(title_text="Quarter", dtick=None)
    fig.update_yaxes(title_text=None, range=[0, 5])
    fig.add_annotation(text="a", x=1, y=2, font_color="#425563")
    fig.add_shape(type="line", x0=0, x1=1, y0=0, y1=1, line_dash="dash")
    fast, validated = both(fig, monkeypatch)
    assert fast == validated
    layout = fast["layout"]
    assert layout["title"] == {"text": "First", "font": {"size": 17}}
    assert layout["legend"] == {"x": 0, "traceorder": "reversed"}
    assert layout["xaxis"] == {"title": {"text": "Quarter"}}
    assert layout["yaxis"] == {"range": [0, 5]}
    assert layout["annotations"][0]["font"] == {"color": "#425563"}
    assert fast["data"][0]["marker"] == {"color": "#005EB8",
                                         "line": {"color": "#231F20", "width": 1}}
    assert layout["template"]["layout"]["plot_bgcolor"] == "white"  # resolved, not a name


def test_invalid_property_fails_in_strict_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMO_STRICT_FIGURES", "1")
    with pytest.raises(ValueError):
        FigureBuilder(trace("bar", x=[1], colour="red")).build()


def _plain_tests() -> list:
    """Every chart test that needs no fixture and draws a figure."""
    found = []
    for module in (test_charts_governance, test_charts_plan, test_charts_portfolio,
                   test_charts_training, test_charts_value, test_spc_chart):
        for name, func in vars(module).items():
            if (name.startswith("test_") and inspect.isfunction(func)
                    and not inspect.signature(func).parameters
                    and any(word in inspect.getsource(func) for word in ("figure", "summary"))):
                found.append(pytest.param(func, id=f"{module.__name__}.{name}"))
    return found


@pytest.mark.parametrize("chart_test", _plain_tests())
def test_fast_figure_equals_validated_figure(chart_test, monkeypatch: pytest.MonkeyPatch
                                             ) -> None:
    """Rerun a chart test with every build() made both ways: the JSON sent to the browser is
    the same with and without plotly's validation (and the test still passes)."""
    built = []

    def checked(self: FigureBuilder) -> go.Figure:
        fast, validated = both(self, monkeypatch)
        assert fast == validated
        built.append(fast)
        return BUILD(self)

    monkeypatch.setattr(FigureBuilder, "build", checked)
    chart_test()
    assert built, "the test built no figure"
