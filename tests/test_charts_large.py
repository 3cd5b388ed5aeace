"""Charts stay readable (and quick for the browser) on a trust many times the usual size."""

from __future__ import annotations

import pandas as pd

from pmo_data.charts import governance as charts


def _map(projects: int) -> pd.DataFrame:
    """Project P001 carries 1 x £1,000 ... P<n> carries n x £1,000, half of them Quality."""
    return pd.DataFrame({
        "strategic_shift": ["Analogue to digital" if i % 2 else "No shift recorded"
                            for i in range(1, projects + 1)],
        "project_id": [f"P{i:03d}" for i in range(1, projects + 1)],
        "project_name": [f"Project {i}" for i in range(1, projects + 1)],
        "category": ["Cash-releasing" if i % 2 else "Quality" for i in range(1, projects + 1)],
        "benefits": [1] * projects,
        "target_value": [1000.0 * i for i in range(1, projects + 1)],
    })


def test_a_crowded_benefits_map_groups_the_smallest_projects() -> None:
    chart = charts.benefits_sankey(_map(100), "value", max_projects=40)
    sankey = chart.figure.data[0]
    labels = list(sankey.node.label)
    # 2 shifts, the 39 largest projects (P100 down to P062), one "Other projects (61)", 2
    # categories
    assert len(labels) == 2 + 40 + 2
    assert labels[2:4] == ["P062 Project 62", "P063 Project 63"]  # file order kept
    assert labels[41] == "Other projects (61)"
    # total value kept: 1000 x (1 + ... + 100) = 5,050,000, flowing in and out of projects
    assert sum(sankey.link.value) == 2 * 5_050_000
    other = labels.index("Other projects (61)")
    into_other = sum(v for t, v in zip(sankey.link.target, sankey.link.value, strict=True)
                     if t == other)
    assert into_other == 1000 * sum(range(1, 62))  # P001..P061
    assert chart.summary.startswith("100 projects under 2 strategic shifts")
    assert chart.summary.endswith("; the 61 smallest projects are drawn together as Other "
                                  "projects.")
    assert chart.figure.layout.height == 24 * 40 + 120


def test_a_small_benefits_map_is_drawn_in_full() -> None:
    chart = charts.benefits_sankey(_map(40), "value", max_projects=40)
    labels = list(chart.figure.data[0].node.label)
    assert len(labels) == 2 + 40 + 2 and not any(s.startswith("Other") for s in labels)
    assert "smallest" not in chart.summary
