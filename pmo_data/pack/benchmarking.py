"""The board pack's benchmarking part: this trust beside its peers, when peers shared.

Why this module exists: the board should see where the PMO stands in its network without a
separate paper, but only when peer snapshots have been imported. ``benchmarking`` gathers it
once (``PackContent.benchmarking``, from ``pmo_data.pack.content.gather``): a table of every
shared metric (this trust, the network median and quartiles, the rank) and one sentence
naming the rates where this trust falls outside the funnel limits. The numbers are
``pmo_data.network``'s, exactly as the Network page shows them. The pack's registries draw
it as a slide, a section of the printed report and a sheet of the XLSX, like every other
part; without peer data (or for one service group: the network compares whole trusts) it is
None and none of the three appears.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from pmo_data import benchmark, network
from pmo_data.db import Database

TITLE = "Benchmarking with peer trusts"
#: The table's columns (the slide, the report and the sheet).
HEADER = ("Metric", "This trust", "Network median", "Interquartile range", "Rank", "Compared")
NOTE = ("Rank 1 is best; counts per 1,000 staff where trusts give a headcount; peers' "
        "suppressed counts (under 5) are not ranked.")


@dataclass(frozen=True)
class Benchmarking:
    """This trust against its peers in one FY: ``table`` (``HEADER`` columns, values written
    with their units), ``sentence`` (``benchmarking_sentence``), the peer count."""

    fy: str
    own_name: str
    peers: int
    sentence: str
    table: pd.DataFrame = field(hash=False)


def benchmarking_sentence(net: network.Network, own_name: str) -> str:
    """"Compared with 12 peer trusts in 2025/26, <trust> ranks in the top quarter on 3 and
    the bottom quarter on 2 of 10 shared metrics; it is outside the funnel limits on ..."
    (or "within the funnel limits on every rate")."""
    ranked = [v for v in net.views.values() if v.own_rank and v.ranked]
    top = sum(1 for v in ranked if v.own_rank <= max(1, v.ranked // 4))
    bottom = sum(1 for v in ranked if v.own_rank > v.ranked - max(1, v.ranked // 4))
    outside = []
    for v in net.views.values():
        own = v.trusts[v.trusts["own"]]
        if v.is_rate and not own.empty and isinstance(own["position"].iloc[0], str) and \
                own["position"].iloc[0] != "within":
            outside.append(f"{v.name} ({own['position'].iloc[0]})")
    rates = ("outside the funnel limits on " + ", ".join(outside) if outside
             else "within the funnel limits on every rate")
    return (f"Compared with {net.peers} peer trusts in {net.fy}, {own_name} ranks in the top "
            f"quarter on {top} and the bottom quarter on {bottom} of {len(ranked)} shared "
            f"metrics; it is {rates}.")


def benchmarking(db: Database, fy: str, as_at: date, trust: str,
                 service_group: str | None = None) -> Benchmarking | None:
    """This trust beside its peers for ``fy`` at ``as_at`` (the Network page's figures), None
    when no peer snapshot has been imported for ``fy`` or the pack is for one service group.
    The trust is named as the benchmarking configuration names it, else ``trust``."""
    if service_group:
        return None
    org = benchmark.load_organisation()
    own_name = trust if org.placeholder else org.name
    net = network.network(db, fy, as_at, org.code, own_name, org.headcount)
    if not net.peers or net.summary.empty:
        return None
    shown = network.summary_table(net.summary)
    rows = [[r["Metric"], r["This trust"], r["Median"],
             f"{r['Lower quartile']} to {r['Upper quartile']}", r["Rank"], r["Compared"]]
            for r in shown.to_dict("records")]
    sentence = benchmarking_sentence(net, own_name)
    if org.headcount is None:
        sentence += (f" {own_name} gives no headcount (benchmarking configuration), so its "
                     "counts are not compared per 1,000 staff (–).")
    return Benchmarking(net.fy, own_name, net.peers, sentence,
                        pd.DataFrame(rows, columns=list(HEADER)))
