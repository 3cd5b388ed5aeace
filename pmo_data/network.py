"""The Network page's numbers: this trust beside its peers, metric by metric.

Why this module exists: the page must stay a thin render script, and the comparison rules
(which value is compared, how a rank is counted, what the network mean of a rate is) must be
stated once and tested. The peers' rows are the snapshots imported into the database
(``pmo_data.benchmark``); this trust's own row is computed from its own data with
``benchmark.build_snapshot`` (the same numbers as ``python -m pmo_data metrics``, not
suppressed: it is the trust's own view of itself). A peer snapshot carrying this trust's own
organisation code is ignored in favour of the live figures.

Rules:

* **Compared value** (``basis``): the metric's value; for a count metric, the count per
  1,000 staff (value / headcount x 1,000) when any trust in the year gives a headcount, and
  then trusts without a headcount are left out of that metric's comparison.
* **Network median and quartiles**: of the compared values of every trust with one (own
  included), quartiles by linear interpolation (pandas' default, Excel's QUARTILE.INC).
* **Rank**: 1 is best: highest first for direction up (and neither), lowest first for down;
  tied values share the better rank. Suppressed and missing values are not ranked.
* **Funnel** (unit %, trusts with numerator and denominator): the network mean p0 = sum of
  numerators / sum of denominators; limits from ``pmo_data.funnel``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from pmo_data import benchmark, fmt, funnel, metrics
from pmo_data.db import Database
from pmo_data.parse import fy_bounds, parse_fy

ROW_COLUMNS = ("org_code", "org_name", "own", "fy", "as_at", "headcount", "code", "value",
               "numerator", "denominator", "unit", "direction", "target", "suppressed",
               "per_1000", "basis_value")


def _name(code: str) -> str:
    try:
        return metrics.get_definition(code).name
    except KeyError:
        return code


def network_rows(db: Database, fy: str, as_at: date, org_code: str, org_name: str,
                 headcount: int | None = None) -> pd.DataFrame:
    """Every trust's rows for ``fy`` and the years before it that peers shared
    (``ROW_COLUMNS``): the imported peer snapshots, and this trust's own figures computed
    live for each of those years (as at ``as_at``, or each earlier year's 31 March).
    ``per_1000`` is value / headcount x 1,000 for counts (None without a headcount);
    ``basis_value`` the value compared (module docstring)."""
    fy = parse_fy(fy) or fy
    peers = benchmark.snapshot_rows(db)
    peers = peers[(peers["org_code"] != org_code) & (peers["fy"] <= fy)]
    years = sorted({*peers["fy"].tolist(), fy})
    org = benchmark.Organisation(org_code, org_name, headcount)
    own = []
    for year in years:
        snap = benchmark.build_snapshot(db, year, min(as_at, fy_bounds(year)[1]), org,
                                        disclose=True)
        frame = benchmark.snapshot_frame(snap)
        if frame["value"].notna().any():
            own.append(frame)
    parts = [p for p in [peers, *own] if not p.empty]
    if not parts:
        return pd.DataFrame(columns=list(ROW_COLUMNS))
    rows = pd.concat([p.astype(object) for p in parts], ignore_index=True)
    rows["own"] = rows["org_code"] == org_code
    for column in ("value", "numerator", "denominator", "target", "headcount"):
        rows[column] = pd.to_numeric(rows[column], errors="coerce").astype("float64")
    rows["suppressed"] = rows["suppressed"].astype(bool)
    rows["as_at"] = pd.to_datetime(rows["as_at"]).dt.date
    counts = rows["unit"] == "count"
    rows["per_1000"] = (rows["value"] / rows["headcount"] * 1000).where(counts)
    headed = (counts & rows["per_1000"].notna()).groupby([rows["fy"], rows["code"]]
                                                         ).transform("any")
    use_rate = headed.astype(bool) & counts
    rows["basis_value"] = rows["per_1000"].where(use_rate, rows["value"]).astype("float64")
    rows["basis"] = ["per_1000" if u else "value" for u in use_rate]
    return rows.sort_values(["fy", "code", "own", "org_name"],
                            ascending=[True, True, False, True]).reset_index(drop=True)


def _rank(values: pd.Series, direction: str) -> pd.Series:
    return values.rank(method="min", ascending=direction == "down")


@dataclass(frozen=True)
class MetricView:
    """One metric in one year across the network (see the module docstring's rules).

    ``trusts``: one row per trust (own first, then by rank) with org_code, org_name, own,
    value, numerator, denominator, per_1000, compared, suppressed, as_at, rank, position
    (funnel: "within", "above 95%", ... or None). ``trend``: per FY the own compared value,
    the network median, q1, q3 and the number of trusts."""

    code: str
    name: str
    unit: str
    direction: str
    fy: str
    basis: str
    trusts: pd.DataFrame = field(hash=False)
    median: float | None
    q1: float | None
    q3: float | None
    own_rank: int | None
    ranked: int
    p0: float | None
    curve: tuple[funnel.Limits, ...] = field(hash=False)
    trend: pd.DataFrame = field(hash=False)
    suppressed: tuple[str, ...] = ()
    no_headcount: tuple[str, ...] = ()

    @property
    def is_rate(self) -> bool:
        """True when the funnel plot applies (a percentage with counts)."""
        return self.p0 is not None


def _stats(values: pd.Series) -> tuple[float | None, float | None, float | None]:
    """Median, lower and upper quartile (linear interpolation, as pandas' default)."""
    v = values.to_numpy(dtype="float64", na_value=np.nan)
    v = v[~np.isnan(v)]
    if not v.size:
        return None, None, None
    q1, median, q3 = np.quantile(v, [0.25, 0.5, 0.75])
    return float(median), float(q1), float(q3)


def metric_view(rows: pd.DataFrame, fy: str, code: str) -> MetricView:
    """The ``MetricView`` of ``code`` in ``fy`` from ``network_rows``' frame (all codes, or
    only this one's rows)."""
    rows = rows[rows["code"] == code]
    year = rows[rows["fy"] == fy].copy()
    unit = str(year["unit"].iloc[0]) if not year.empty else ""
    direction = str(year["direction"].iloc[0]) if not year.empty else "neither"
    basis = str(year["basis"].iloc[0]) if not year.empty else "value"
    year["compared"] = year["basis_value"]
    year["rank"] = _rank(year["compared"], direction)
    median, q1, q3 = _stats(year["compared"])
    p0, curve, positions = None, (), [None] * len(year)
    counted = year[year["numerator"].notna() & year["denominator"].notna()
                   & (year["denominator"] > 0)]
    if unit == "%" and not counted.empty and counted["denominator"].sum() > 0:
        p0 = float(counted["numerator"].sum() / counted["denominator"].sum())
        curve = funnel.curve(p0, int(counted["denominator"].max() * 1.1) + 1)
        positions = [funnel.position(n, d, p0) if pd.notna(n) and pd.notna(d) and d > 0
                     else None for n, d in zip(year["numerator"], year["denominator"],
                                               strict=True)]
    year["position"] = positions
    year = year.sort_values(["own", "rank", "org_name"], ascending=[False, True, True],
                            na_position="last")
    own = year[year["own"]]
    own_rank = (int(own["rank"].iloc[0]) if not own.empty and pd.notna(own["rank"].iloc[0])
                else None)
    trend_rows = []
    for year_fy, part in rows.groupby("fy", sort=True):
        m, lo, hi = _stats(part["basis_value"])
        own_part = part[part["own"]]["basis_value"].dropna()
        trend_rows.append({"fy": year_fy, "own": float(own_part.iloc[0]) if len(own_part)
                           else None, "median": m, "q1": lo, "q3": hi,
                           "trusts": int(part["basis_value"].notna().sum())})
    trend = pd.DataFrame(trend_rows, columns=["fy", "own", "median", "q1", "q3", "trusts"])
    no_head = ()
    if basis == "per_1000":
        no_head = tuple(year[year["value"].notna() & year["per_1000"].isna()]["org_name"])
    columns = ["org_code", "org_name", "own", "value", "numerator", "denominator", "per_1000",
               "compared", "suppressed", "as_at", "rank", "position"]
    return MetricView(code, _name(code), unit, direction, fy, basis,
                      year[columns].reset_index(drop=True), median, q1, q3, own_rank,
                      int(year["rank"].notna().sum()), p0, curve, trend,
                      tuple(year[year["suppressed"]]["org_name"]), no_head)


def summary(views: Mapping[str, MetricView]) -> pd.DataFrame:
    """One row per metric view: Metric, This trust, Median, Lower quartile, Upper quartile,
    Rank ("3 of 13"), Trusts (ranked), Suppressed (how many trusts), Compared ("%", "days",
    "per 1,000 staff"...), plus the code. Values are the compared values."""
    out = []
    for code, view in views.items():
        own = view.trusts[view.trusts["own"]]["compared"]
        out.append({"code": code, "Metric": view.name,
                    "This trust": float(own.iloc[0]) if len(own) and pd.notna(own.iloc[0])
                    else None,
                    "Median": view.median, "Lower quartile": view.q1,
                    "Upper quartile": view.q3,
                    "Rank": f"{view.own_rank} of {view.ranked}" if view.own_rank else "–",
                    "Trusts": view.ranked, "Suppressed": len(view.suppressed),
                    "Compared": "per 1,000 staff" if view.basis == "per_1000" else view.unit})
    return pd.DataFrame(out, columns=["code", "Metric", "This trust", "Median",
                                      "Lower quartile", "Upper quartile", "Rank", "Trusts",
                                      "Suppressed", "Compared"])


def show_value(value: float | None, unit: str) -> str:
    """A compared value as the page writes it (``pmo_data.fmt.value``: "87%", "£435,150",
    "12.5 days", "46"; a rate per 1,000 staff bare, its unit is in the column's name); "–"
    when missing."""
    if unit == "per 1,000 staff":
        unit = "count"
    return fmt.value(value, unit, missing="–")


def summary_table(frame: pd.DataFrame) -> pd.DataFrame:
    """``summary`` as the page shows it: the values written with their units
    (``show_value``), the code left out."""
    out = frame.drop(columns=["code"]).astype(object)
    for column in ("This trust", "Median", "Lower quartile", "Upper quartile"):
        out[column] = [show_value(v, u) for v, u in zip(frame[column], frame["Compared"],
                                                         strict=True)]
    return out


def trust_table(view: MetricView) -> pd.DataFrame:
    """The per-trust table a page shows for one metric: Trust, Value (the shared value, or
    "suppressed"), Numerator, Denominator, Per 1,000 staff, Rank, Funnel, As at, and the
    ``own`` flag (for highlighting; not for display)."""
    t = view.trusts

    def shown(value: float, suppressed: bool) -> str:
        if suppressed:
            return "suppressed"
        if pd.isna(value):
            return "no data"
        if view.unit == "%":
            return f"{value:.1f}%"
        if view.unit == "£":
            return f"£{value:,.0f}"
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"

    return pd.DataFrame({
        "Trust": t["org_name"],
        "Value": [shown(v, s) for v, s in zip(t["value"], t["suppressed"], strict=True)],
        "Numerator": t["numerator"].round().astype("Int64"),
        "Denominator": t["denominator"].round().astype("Int64"),
        "Per 1,000 staff": t["per_1000"].round(2),
        "Rank": t["rank"].astype("Int64"),
        "Funnel": [p if isinstance(p, str) else "" for p in t["position"]],
        "As at": t["as_at"], "own": t["own"]})


@dataclass(frozen=True)
class Network:
    """What the Network page shows for one FY: one ``MetricView`` per shared metric (in
    catalogue order, then other codes), the summary table, the number of peers (0: no
    snapshot imported) and the years peers shared. Not every year's rows: the page's cache
    copies this on every rerun, so it is kept small (about 0.7 MB at 200 trusts)."""

    fy: str
    views: Mapping[str, MetricView] = field(hash=False)
    summary: pd.DataFrame = field(hash=False)
    peers: int
    peer_years: tuple[str, ...]


def network(db: Database, fy: str, as_at: date, org_code: str, org_name: str,
            headcount: int | None = None) -> Network:
    """``network_rows``, a ``metric_view`` per metric of ``fy`` and the ``summary``, in one
    call (one cache entry for the page)."""
    fy = parse_fy(fy) or fy
    rows = network_rows(db, fy, as_at, org_code, org_name, headcount)
    codes = list(dict.fromkeys(rows[rows["fy"] == fy]["code"])) if not rows.empty else []
    order = {c: i for i, c in enumerate(benchmark.SHARED_CODES)}
    codes.sort(key=lambda c: (order.get(c, len(order)), c))
    parts = dict(tuple(rows.groupby("code", sort=False))) if not rows.empty else {}
    views = {code: metric_view(parts[code], fy, code) for code in codes}
    peers = rows[~rows["own"].astype(bool)] if not rows.empty else rows
    return Network(fy, views, summary(views),
                   int(peers["org_code"].nunique()) if not peers.empty else 0,
                   tuple(sorted(set(peers["fy"]))) if not peers.empty else ())
