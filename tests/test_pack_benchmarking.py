"""The board pack's benchmarking slide: present with peer data, absent without."""

from __future__ import annotations

import io
from html import escape
from pathlib import Path

import pandas as pd
import pytest
from network_support import AS_AT, trust_database
from pptx import Presentation

from pmo_data import benchmark
from pmo_data.db import Database
from pmo_data.demo_peers import write_peer_snapshots
from pmo_data.pack import build_pack
from pmo_data.pack.benchmarking import TITLE
from pmo_data.store import Store


def _slides(data: bytes) -> list[Presentation]:
    return list(Presentation(io.BytesIO(data)).slides)


def _texts(slide) -> list[str]:  # noqa: ANN001
    out = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            out.append(shape.text_frame.text)
        if shape.has_table:
            out += [c.text for row in shape.table.rows for c in row.cells]
    return out


def test_one_slide_only_when_peers_shared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    config = tmp_path / "b.toml"
    config.write_text('[organisation]\ncode = "RNN"\nname = "Northshire Test NHS Trust"\n'
                      "headcount = 6000\n", encoding="utf-8")
    monkeypatch.setenv("PMO_BENCHMARK_FILE", str(config))
    db = trust_database(tmp_path / "pmo.duckdb")
    with Database(Store(db).current().path) as con:
        alone = build_pack(con, "2025/26", AS_AT)
    assert TITLE not in [t for s in _slides(alone.pptx) for t in _texts(s)]
    write_peer_snapshots(tmp_path / "peers", as_at=AS_AT)
    assert benchmark.import_paths([tmp_path / "peers"], db).version == 2
    with Database(Store(db).current().path) as con:
        pack = build_pack(con, "2025/26", AS_AT)
        again = build_pack(con, "2025/26", AS_AT)
        grouped = build_pack(con, "2025/26", AS_AT, service_group="Medicine")
    slides = _slides(pack.pptx)
    assert len(slides) == len(_slides(alone.pptx)) + 1
    titles = [sl.shapes.title.text for sl in slides]
    # a registered slide: after the top risks, before the data sources, numbered in turn
    assert titles.index(TITLE) == titles.index("Top risks") + 1
    assert titles[-1] == "Data sources"
    index = titles.index(TITLE)
    texts = _texts(slides[index])
    assert str(index + 1) in texts
    assert "Highlight report compliance" in texts and "77.8%" in texts  # 7 of 9 projects
    sentence = next(t for t in texts if t.startswith("Compared with 12 peer trusts"))
    assert sentence.startswith("Compared with 12 peer trusts in 2025/26, Northshire Test NHS "
                               "Trust ranks")
    assert "gives no headcount" not in sentence  # this trust's headcount is configured
    assert pack.pptx == again.pptx  # reproducible
    assert len(_slides(grouped.pptx)) == len(_slides(alone.pptx))  # whole trusts only
    # the printed report and the XLSX carry the same table and sentence, only with peers
    html = pack.html.decode("utf-8")
    assert f"<h2>{TITLE}</h2>" in html and "77.8%" in html
    assert escape(sentence.split(" Rank 1")[0]) in html
    assert f"<h2>{TITLE}</h2>" not in alone.html.decode("utf-8")
    assert f"<h2>{TITLE}</h2>" not in grouped.html.decode("utf-8")
    sheets = pd.read_excel(io.BytesIO(pack.xlsx), sheet_name=None, engine="openpyxl")
    bench = sheets["Benchmarking"].set_index("Metric")
    assert bench.loc["Highlight report compliance", "This trust"] == "77.8%"
    assert "Benchmarking" in set(sheets["README"]["name"])
    plain = pd.read_excel(io.BytesIO(alone.xlsx), sheet_name=None, engine="openpyxl")
    assert "Benchmarking" not in plain and "Benchmarking" not in set(plain["README"]["name"])


def test_without_a_headcount_the_pack_says_why_counts_are_not_compared(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "b.toml"
    config.write_text('[organisation]\ncode = "RNN"\nname = "Northshire Test NHS Trust"\n',
                      encoding="utf-8")
    monkeypatch.setenv("PMO_BENCHMARK_FILE", str(config))
    db = trust_database(tmp_path / "pmo.duckdb")
    write_peer_snapshots(tmp_path / "peers", as_at=AS_AT)
    benchmark.import_paths([tmp_path / "peers"], db)
    with Database(Store(db).current().path) as con:
        pack = build_pack(con, "2025/26", AS_AT)
    slide = next(s for s in _slides(pack.pptx) if s.shapes.title.text == TITLE)
    assert any("Northshire Test NHS Trust gives no headcount (benchmarking configuration), "
               "so its counts are not compared per 1,000 staff" in t for t in _texts(slide))
