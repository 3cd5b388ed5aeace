"""The board pack's benchmarking slide: this trust beside its peers, when peers shared.

Why this module exists: the board should see where the PMO stands in its network without a
separate paper, but only when peer snapshots have been imported. The slide is added to the
finished PowerPoint by ``add_benchmarking_slide`` (one call from ``pack.build.build_pack``), so
the pack's own rendering is untouched: a table of every shared metric (this trust, the
network median and quartiles, the rank) and one sentence naming the rates where this trust
falls outside the funnel limits. The numbers are ``pmo_data.network``'s, exactly as the
Network page shows them. Without peer data the deck is returned unchanged.
"""

from __future__ import annotations

import io
from datetime import date, datetime

from pmo_data import benchmark, network
from pmo_data.db import Database

TITLE = "Benchmarking with peer trusts"


def benchmarking_sentence(net: network.Network, own_name: str) -> str:
    """"Compared with 12 peer trusts in 2025/26: ranked in the top quarter on 3 of 10
    shared metrics ...; outside the 95% funnel limits on ..." (or "within" on every rate)."""
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


def add_benchmarking_slide(pptx: bytes, db: Database, fy: str, as_at: date, trust: str
                           ) -> bytes:
    """``pptx`` with one benchmarking slide appended (numbered on from the last slide), or
    unchanged when no peer snapshot has been imported for ``fy``."""
    org = benchmark.load_organisation()
    own_name = trust if org.placeholder else org.name
    net = network.network(db, fy, as_at, org.code, own_name, org.headcount)
    if not net.peers or net.summary.empty:
        return pptx
    from pptx import Presentation
    from pptx.util import Inches, Pt

    from pmo_data.charts.palette import NHS_BLUE, NHS_DARK_BLUE, NHS_DARK_GREY, NHS_PALE_GREY
    from pmo_data.downloads import fixed_zip
    from pmo_data.pack.drawing import rgb
    from pmo_data.pack.formats import fmt_date

    prs = Presentation(io.BytesIO(pptx))
    slide = prs.slides.add_slide(prs.slide_layouts[5])  # "Title Only", as the pack's slides
    title = slide.shapes.title
    title.left, title.top, title.width, title.height = (Inches(0.5), Inches(0.3),
                                                        Inches(12.3), Inches(0.9))
    title.text = TITLE
    para = title.text_frame.paragraphs[0]
    para.alignment = 1
    for run in para.runs:
        run.font.size, run.font.bold, run.font.name = Pt(28), True, "Arial"
        run.font.color.rgb = rgb(NHS_BLUE)

    def text_box(left: float, top: float, width: float, height: float, line: str,
                 size: int) -> None:
        frame = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width),
                                         Inches(height)).text_frame
        frame.word_wrap = True
        run = frame.paragraphs[0].add_run()
        run.text = line
        run.font.size, run.font.name = Pt(size), "Arial"
        run.font.color.rgb = rgb(NHS_DARK_GREY)

    shown = network.summary_table(net.summary)
    header = ["Metric", "This trust", "Network median", "Interquartile range", "Rank",
              "Compared"]
    rows = [header] + [[r["Metric"], r["This trust"], r["Median"],
                        f"{r['Lower quartile']} to {r['Upper quartile']}", r["Rank"],
                        r["Compared"]] for r in shown.to_dict("records")]
    table = slide.shapes.add_table(len(rows), len(header), Inches(0.4), Inches(1.2),
                                   Inches(12.5), Inches(0.3 * len(rows))).table
    for j, width in enumerate((3.6, 1.6, 1.8, 2.6, 1.1, 1.8)):
        table.columns[j].width = Inches(width)
    for i, row in enumerate(rows):
        table.rows[i].height = Inches(0.3)
        for j, value in enumerate(row):
            cell = table.cell(i, j)
            cell.text = str(value)
            cell.fill.solid()
            cell.fill.fore_color.rgb = rgb(NHS_DARK_BLUE if i == 0 else
                                            "#FFFFFF" if i % 2 else NHS_PALE_GREY)
            for run in cell.text_frame.paragraphs[0].runs:
                run.font.size, run.font.name, run.font.bold = Pt(11), "Arial", i == 0
                if i == 0:
                    run.font.color.rgb = rgb("#FFFFFF")
    text_box(0.4, 6.3, 12.5, 0.6, benchmarking_sentence(net, own_name) + " Rank 1 is best; "
             "counts per 1,000 staff where trusts give a headcount; peers' suppressed counts "
             "(under 5) are not ranked.", 11)
    text_box(0.5, 7.0, 11.0, 0.35, f"{trust} · PMO board report · {fy} · as at "
             f"{fmt_date(as_at)}", 10)
    text_box(12.2, 7.0, 0.8, 0.35, str(len(prs.slides)), 10)
    out = io.BytesIO()
    prs.save(out)
    return fixed_zip(out.getvalue(), datetime.combine(as_at, datetime.min.time()))
