"""``python -m pmo_data board-pack``: writes the three files, named by trust, period and date,
with the same numbers as the engine; bad input is one line on stderr and exit code 2."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pptx import Presentation
from test_export import AS_AT, FY, fill_pack_data

from pmo_data.cli import main
from pmo_data.db import Database
from pmo_data.pack import build_pack
from pmo_data.store import Store

REPO = Path(__file__).resolve().parents[1]
STEM = "NHS-Trust_PMO-board-pack_2025-26_2025-11-21"


@pytest.fixture(scope="module")
def store_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "pmo.duckdb"
    Store(path).write(fill_pack_data)
    return path


def test_writes_three_files_matching_the_engine(store_db: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pack"
    code = main(["board-pack", "--db", str(store_db), "--fy", "2025-26", "--as-at",
                 AS_AT.isoformat(), "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out.split()
    names = [f"{STEM}.pptx", f"{STEM}.html", f"{STEM}.xlsx"]
    assert [Path(p).name for p in printed] == names
    assert sorted(p.name for p in out.iterdir()) == sorted(names)
    with Database(Store(store_db).current().path) as db:
        engine = build_pack(db, FY, AS_AT)
    # same database and parameters: the same bytes (no "now" inside)
    assert (out / names[0]).read_bytes() == engine.pptx
    assert (out / names[1]).read_bytes() == engine.html
    assert (out / names[2]).read_bytes() == engine.xlsx
    titles = [s.shapes.title.text for s in Presentation(io.BytesIO(engine.pptx)).slides]
    assert titles[1:3] == ["Five-year plan scorecard", "Executive summary"]


def test_defaults_come_from_the_data_and_pmo_db(store_db: Path, tmp_path: Path) -> None:
    # as-at defaults to the latest data date (P3's report of 10 Nov 2025) and the FY to its
    out = tmp_path / "defaults"
    env = {**os.environ, "PMO_DB": str(store_db)}
    run = subprocess.run([sys.executable, "-m", "pmo_data", "board-pack", "--out", str(out)],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"NHS-Trust_PMO-board-pack_2025-26_2025-11-10{ext}" for ext in (".pptx", ".html", ".xlsx"))


def test_service_group_and_trust_name(store_db: Path, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMO_TRUST_NAME", "Riverside NHS Trust")
    out = tmp_path / "surgery"
    assert main(["board-pack", "--db", str(store_db), "--fy", FY, "--as-at", "2025-11-21",
                 "--service-group", "Surgery", "--out", str(out)]) == 0
    assert (out / "Riverside-NHS-Trust_PMO-board-pack_2025-26_Surgery_2025-11-21.pptx").exists()


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, store_db: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["board-pack", "--db", str(tmp_path / "none.duckdb"), "--out",
                 str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("board-pack: no database at")
    assert main(["board-pack", "--db", str(store_db), "--fy", "last year", "--out",
                 str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("board-pack: --fy:")
    assert not (tmp_path / "x").exists()
    with pytest.raises(SystemExit):
        main(["board-pack", "--db", str(store_db), "--as-at", "21/11/2025", "--out", "x"])
