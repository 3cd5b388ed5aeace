"""AppTest of the Network page: peers beside this trust, funnel outliers, the round trip
export -> import -> page, and a national network's warm rerun."""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from apptest_support import page, plain, run_page, serve
from network_support import AS_AT, load_rows, national_rows, trust_database

from pmo_data import benchmark, network
from pmo_data.cli import main
from pmo_data.db import Database
from pmo_data.demo_peers import HARROWFIELD, LOWTHER, MARCHBANK, PEERS, write_peer_snapshots
from pmo_data.store import Store

OWN = "Northshire Test Hospitals NHS Trust"


def configure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: str = "RNN",
              name: str = OWN, headcount: int | None = 6000) -> None:
    path = tmp_path / f"{code}.toml"
    head = f"headcount = {headcount}\n" if headcount else ""
    path.write_text(f'[organisation]\ncode = "{code}"\nname = "{name}"\n{head}',
                    encoding="utf-8")
    monkeypatch.setenv("PMO_BENCHMARK_FILE", str(path))


def run(metric: str | None = None, fy: str = "2025/26", as_at: date = AS_AT):  # noqa: ANN201
    state = {"fy": fy, "as_at": as_at, "service_group": "All service groups"}
    if metric:
        state["network_metric"] = metric
    at = run_page("network", **state)
    assert not at.exception, at.exception
    return at


def captions(at) -> list[str]:  # noqa: ANN001
    return [c.value for c in at.caption]


@pytest.fixture
def demo_network(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = trust_database(tmp_path / "pmo.duckdb")
    write_peer_snapshots(tmp_path / "peers", as_at=AS_AT)
    assert benchmark.import_paths([tmp_path / "peers"], db).exit_code == 0
    configure(tmp_path, monkeypatch)
    return serve(db, monkeypatch)


def test_peers_beside_this_trust_with_median_quartiles_and_rank(demo_network: Path) -> None:
    at = run()
    assert [t.value for t in at.title] == ["Network"]
    assert "12 peer trusts; years shared: 2023/24, 2024/25, 2025/26." in captions(at)[1]
    summary = at.dataframe[0].value
    assert list(summary["Metric"])[:2] == ["Staff trained", "Training did-not-attend rate"]
    compliance = summary[summary["Metric"] == "Highlight report compliance"].iloc[0]
    assert compliance["Trusts"] == 13 and compliance["Rank"].endswith(" of 13")
    assert compliance["This trust"] == "77.8%"  # 7 of 9 projects reported
    with Database(Store(demo_network).current().path) as db:
        net = network.network(db, "2025/26", AS_AT, "RNN", OWN, 6000)
    view = net.views["HIGHLIGHT_COMPLIANCE"]
    assert view.q1 <= view.median <= view.q3
    assert compliance["Median"] == f"{view.median:.1f}%"
    # every chart has its sentence, as alt text and as a caption
    charts = at.get("plotly_chart")
    assert len(charts) == 2  # Staff trained (a count): bars and trend, no funnel
    assert any(c.startswith("Staff trained in 2025/26 (per 1,000 staff, highest is best")
               for c in captions(at))


def test_rates_get_a_funnel_plot_with_the_outliers_named(demo_network: Path) -> None:
    at = run("HIGHLIGHT_COMPLIANCE")
    assert len(at.get("plotly_chart")) == 3
    funnel_text = next(c for c in captions(at) if c.startswith("Funnel plot of Highlight"))
    marchbank = next(p.name for p in PEERS if p.code == MARCHBANK)
    assert "outside 99.8% (" in funnel_text and marchbank in funnel_text
    table = at.dataframe[1].value
    assert table.iloc[0]["Trust"] == OWN  # own row first (and highlighted)
    assert table[table["Trust"] == marchbank].iloc[0]["Funnel"] == "below 99.8%"
    dna = run("TRAINING_DNA_RATE")
    lowther = next(p.name for p in PEERS if p.code == LOWTHER)
    frame = dna.dataframe[1].value
    assert frame[frame["Trust"] == lowther].iloc[0]["Funnel"] == "above 99.8%"
    harrowfield = next(p.name for p in PEERS if p.code == HARROWFIELD)
    assert frame[frame["Trust"] == harrowfield].iloc[0]["Value"] == "suppressed"
    assert f"Suppressed (counts under 5, not zero): {harrowfield}." in captions(dna)


def test_peer_names_are_shown_as_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = trust_database(tmp_path / "pmo.duckdb")
    hostile = "**[x](https://evil.example)** <b>:red[Trust]</b>"
    org = benchmark.Organisation("RQQ", hostile, 3000)
    snap = benchmark.Snapshot(org, "2025/26", AS_AT, (
        benchmark.SnapshotRow("OPEN_HIGH_RISKS", 9, 9, None, "count", "down", None),
        benchmark.SnapshotRow("TRAINED_STAFF", None, None, None, "count", "up", None, True)))
    parquet, _ = benchmark.write_snapshot(snap, tmp_path / "hostile")
    assert benchmark.import_paths([parquet], db).version == 2
    configure(tmp_path, monkeypatch)
    serve(db, monkeypatch)
    at = run("TRAINED_STAFF")
    shown = next(c for c in captions(at) if c.startswith("Suppressed"))
    assert plain(shown) == f"Suppressed (counts under 5, not zero): {hostile}."
    assert "\\*\\*\\[x\\]\\(https" in shown  # escaped: shown as typed, never a link
    bars = run("OPEN_HIGH_RISKS").get("plotly_chart")[0].proto.spec
    assert "&lt;b&gt;:red[Trust]&lt;" in bars and "<b>:red" not in bars
    assert len(run("OPEN_HIGH_RISKS").dataframe[1].value) == 2  # the peer is in the table


def test_without_peers_the_page_says_how_to_get_them(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    serve(trust_database(tmp_path / "pmo.duckdb"), monkeypatch)
    monkeypatch.setenv("PMO_BENCHMARK_FILE", str(tmp_path / "none.toml"))
    at = run()
    infos = [i.value for i in at.info]
    assert any("Set this trust's code, name and headcount" in i for i in infos)
    assert any(i.startswith("No peer snapshots yet.") for i in infos)
    # the export preview says what would be shared
    assert "Organisation: XXX Your organisation (set it in config/benchmark.toml); headcount "\
           "not given" in [t.value for t in at.text]
    assert len(at.get("download_button")) == 2


def _shown(value: float | None, unit: str) -> str:
    if value is None:
        return "no data"
    if unit == "%":
        return f"{value:.1f}%"
    if unit == "£":
        return f"£{value:,.0f}"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def test_round_trip_export_import_page_equals_the_metrics_command(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    sender = trust_database(tmp_path / "sender.duckdb")
    configure(tmp_path, monkeypatch, "RAA", "Sender Hospitals NHS Trust", 4000)
    assert main(["benchmark", "export", "--db", str(sender), "--fy", "2025/26", "--as-at",
                 AS_AT.isoformat(), "--out", str(tmp_path / "out")]) == 0
    capsys.readouterr()
    assert main(["metrics", "--db", str(sender), "--fy", "2025/26", "--as-at",
                 AS_AT.isoformat(), "--json"]) == 0
    expected = json.loads(capsys.readouterr().out)
    receiver = trust_database(tmp_path / "receiver.duckdb")
    assert main(["benchmark", "import", str(tmp_path / "out"), "--db", str(receiver)]) == 0
    configure(tmp_path, monkeypatch, "RBB", "Receiver NHS Trust", 5000)
    serve(receiver, monkeypatch)
    with Database(Store(receiver).current().path) as db:
        rows = network.network_rows(db, "2025/26", AS_AT, "RBB", "Receiver NHS Trust", 5000)
    sent = rows[rows["org_code"] == "RAA"].set_index("code")
    for code in benchmark.SHARED_CODES:
        want = expected[code.lower()]
        at = run(code)
        table = at.dataframe[1].value
        row = table[table["Trust"] == "Sender Hospitals NHS Trust"].iloc[0]
        assert row["Value"] == _shown(want["value"], want["unit"]), code
        for column in ("numerator", "denominator"):
            got = row[column.title()]
            assert (None if pd.isna(got) else got) == want[column], (code, column)
        value = sent.loc[code, "value"]
        assert (None if value != value else value) == want["value"], code  # exactly


def test_national_network_warm_rerun_under_300_ms(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    db = trust_database(tmp_path / "pmo.duckdb")
    frame = national_rows(trusts=200, years=5, metrics=30)
    assert len(frame) == 30_000
    load_rows(db, frame)
    configure(tmp_path, monkeypatch)
    serve(db, monkeypatch)
    at = page("network")
    for key, value in {"fy": "2025/26", "as_at": AS_AT, "service_group": "All service groups",
                       "network_metric": "HIGHLIGHT_COMPLIANCE"}.items():
        at.session_state[key] = value
    started = time.perf_counter()
    at.run(timeout=300)
    cold = time.perf_counter() - started
    assert not at.exception, at.exception
    assert len(at.dataframe[1].value) == 201 and len(at.get("plotly_chart")) == 3
    warm = []
    for _ in range(3):
        started = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - started)
    assert not at.exception
    print(f"national network: cold {cold * 1000:.0f} ms, warm {min(warm) * 1000:.0f} ms")
    assert min(warm) < 0.300, warm
