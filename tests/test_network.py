"""The Network page's comparison rules (pmo_data.network) and its charts, on tiny frames."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from pmo_data import funnel, network
from pmo_data.charts import network as charts
from pmo_data.charts.palette import NHS_BLUE, NHS_MID_GREY


def _rows(code: str, unit: str, direction: str, trusts: list[tuple], fy: str = "2025/26"
          ) -> pd.DataFrame:
    """trusts: (org_code, value, numerator, denominator, headcount, suppressed)."""
    out = []
    for org, value, num, den, head, sup in trusts:
        per = value / head * 1000 if unit == "count" and head and value is not None else None
        out.append({"org_code": org, "org_name": f"Trust {org}", "own": org == "OWN",
                    "fy": fy, "as_at": date(2026, 3, 31), "headcount": head, "code": code,
                    "value": value, "numerator": num, "denominator": den, "unit": unit,
                    "direction": direction, "target": None, "suppressed": sup,
                    "per_1000": per})
    frame = pd.DataFrame(out)
    counts = frame["unit"] == "count"
    use = counts & frame["per_1000"].notna().any()
    frame["basis_value"] = frame["per_1000"].where(use, frame["value"]).astype("float64")
    frame["basis"] = ["per_1000" if u else "value" for u in use]
    return frame


def test_rank_direction_ties_and_quartiles() -> None:
    rows = _rows("DNA", "%", "down", [("OWN", 10.0, None, None, None, False),
                                      ("A", 5.0, None, None, None, False),
                                      ("B", 10.0, None, None, None, False),
                                      ("C", 20.0, None, None, None, False),
                                      ("D", None, None, None, None, True)])
    view = network.metric_view(rows, "2025/26", "DNA")
    assert view.own_rank == 2 and view.ranked == 4  # lowest first; tie shares rank 2
    ranks = dict(zip(view.trusts["org_code"], view.trusts["rank"], strict=True))
    assert ranks["A"] == 1 and ranks["B"] == 2 and ranks["C"] == 4 and pd.isna(ranks["D"])
    assert (view.q1, view.median, view.q3) == (8.75, 10.0, 12.5)  # linear interpolation
    assert view.suppressed == ("Trust D",) and view.trusts.iloc[0]["org_code"] == "OWN"


def test_counts_are_compared_per_1000_staff_and_trusts_without_headcount_left_out() -> None:
    rows = _rows("RISKS", "count", "down", [("OWN", 10.0, 10.0, None, 5000, False),
                                            ("A", 30.0, 30.0, None, 20000, False),
                                            ("B", 12.0, 12.0, None, None, False)])
    view = network.metric_view(rows, "2025/26", "RISKS")
    assert view.basis == "per_1000" and view.no_headcount == ("Trust B",)
    compared = dict(zip(view.trusts["org_code"], view.trusts["compared"], strict=True))
    assert compared["OWN"] == 2.0 and compared["A"] == 1.5 and pd.isna(compared["B"])
    assert view.own_rank == 2 and view.ranked == 2


def test_funnel_mean_is_pooled_and_outliers_are_placed() -> None:
    rows = _rows("HC", "%", "up", [("OWN", 80.0, 40.0, 50.0, None, False),
                                   ("A", 85.0, 170.0, 200.0, None, False),
                                   ("B", 30.0, 30.0, 100.0, None, False)])
    view = network.metric_view(rows, "2025/26", "HC")
    assert view.p0 == pytest.approx(240 / 350)  # sum of numerators / sum of denominators
    positions = dict(zip(view.trusts["org_code"], view.trusts["position"], strict=True))
    assert positions["B"] == funnel.position(30, 100, 240 / 350) == "below 99.8%"
    assert view.curve[-1].n == int(200 * 1.1) + 1
    chart = charts.funnel_chart(view, "Us")
    labels = [a["text"] for a in chart.figure.to_dict()["layout"]["annotations"]]
    assert "Trust B" in labels and "Trust OWN" in labels  # outliers and own labelled
    assert chart.summary == ("Funnel plot of HC in 2025/26 for 3 trusts around the network "
                             "mean of 68.6%: Us is within the limits; 2 outside the 95% "
                             "limits, 2 of them outside 99.8% (Trust A, Trust B).")
    assert positions["A"] == "above 99.8%" and positions["OWN"] == "within"


def test_comparison_bars_highlight_own_and_say_where_it_stands() -> None:
    rows = _rows("HC", "%", "up", [("OWN", 80.0, None, None, None, False),
                                   ("A", 90.0, None, None, None, False),
                                   ("B", 70.0, None, None, None, False)])
    view = network.metric_view(rows, "2025/26", "HC")
    chart = charts.comparison_chart(view, "Us")
    bars = chart.figure.to_dict()["data"][0]
    assert dict(zip(bars["y"], bars["marker"]["color"], strict=True)) == {
        "Trust OWN": NHS_BLUE, "Trust A": NHS_MID_GREY, "Trust B": NHS_MID_GREY}
    assert chart.summary == ("HC in 2025/26 (%, highest is best at the top): Us ranks 2 of 3 "
                             "at 80%; network median 80%, interquartile range 75% to "
                             "85%, across 3 trusts.")
    trend = charts.trend_chart(view, "Us")
    assert trend.summary == ("HC from 2025/26 to 2025/26: Us went from 80% to 80%; the "
                             "network median went from 80% to 80%.")
