"""``python -m pmo_data profiles ...`` and ``import --profile NAME --set COLUMN=VALUE``:
output, exit codes and one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from test_profiles import GMPP_CSV, PLANNER_CSV, TRACKER, tracker_profile

from pmo_data import cli, profiles
from pmo_data.store import Store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PMO_DB", str(tmp_path / "pmo.duckdb"))
    monkeypatch.chdir(tmp_path)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], list[str]]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.splitlines()


def test_list_and_show(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    profiles.save_profile(tmp_path / "pmo.duckdb", tracker_profile(), saved_by="a.tester")
    code, out, err = run(capsys, "profiles", "list")
    assert code == 0 and err == []
    assert out[0].startswith("Scheme tracker\tprojects\tsaved by a.tester on ")
    assert out[1:] == ["Microsoft Planner\tmilestones\tbuilt-in",
                       "Smartsheet portfolio\tprojects, status_reports\tbuilt-in",
                       "GMPP annual data\tprojects, status_reports\tbuilt-in"]
    code, out, _ = run(capsys, "profiles", "show", "microsoft planner")
    assert code == 0 and out[0] == "Microsoft Planner (built-in)"
    assert "     project_id           <- row above the table: 'Plan name' or 'Plan ID'" in out


def test_export_then_import_under_another_name(capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path) -> None:
    code, out, _ = run(capsys, "profiles", "export", "GMPP annual data", "--out", "gmpp.toml")
    assert code == 0 and out == ["gmpp.toml"]
    assert (tmp_path / "gmpp.toml").read_text().startswith("# Import profile")
    code, out, err = run(capsys, "profiles", "import", "gmpp.toml", "--name", "Our GMPP")
    assert (code, err) == (2, ["profiles import: cannot save: required status_reports columns "
                               "not mapped: report_date"])
    text = (tmp_path / "gmpp.toml").read_text().replace(
        'source = "status_reports"\nreplace = "source"\n',
        'source = "status_reports"\nreplace = "source"\n\n[target.constants]\n'
        'report_date = "2024-03-31"\n')
    (tmp_path / "ours.toml").write_text(text)
    code, out, err = run(capsys, "profiles", "import", "ours.toml", "--name", "Our GMPP")
    assert (code, out, err) == (0, ["saved profile Our GMPP (version 1)"], [])
    code, out, _ = run(capsys, "profiles", "export", "Our GMPP")
    assert 'report_date = "2024-03-31"' in "\n".join(out)
    code, out, _ = run(capsys, "profiles", "delete", "Our GMPP")
    assert code == 0 and Store(tmp_path / "pmo.duckdb").current().number == 2


@pytest.mark.parametrize(("argv", "message"), [
    (("profiles", "show", "Nope"), "profiles show: no profile called 'Nope' (known: "
                                   "Microsoft Planner, Smartsheet portfolio, GMPP annual data)"),
    (("profiles", "import", "missing.toml"), "profiles import: missing.toml: cannot be read"),
    (("profiles", "delete", "Microsoft Planner"),
     "profiles delete: no saved profile called 'Microsoft Planner'"),
])
def test_profile_errors_are_one_line(capsys: pytest.CaptureFixture[str], argv: tuple[str, ...],
                                     message: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == [] and len(err) == 1 and err[0].startswith(message)


def test_import_with_profile_and_set(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "gmpp.csv").write_text(GMPP_CSV, encoding="utf-8")
    code, out, err = run(capsys, "import", "gmpp.csv", "--profile", "GMPP annual data",
                         "--set", "report_date=31/03/2024")
    assert code == 0 and err == []
    assert out[0].startswith("gmpp.csv:gmpp: projects (profile GMPP annual data; 1 Whole Life "
                             "Cost (£m) cell held a range")
    assert out[-1] == "loaded 6 rows into version 1; 0 problems"


def test_wrong_profile_changes_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "tracker.csv").write_text(TRACKER, encoding="utf-8")
    code, out, err = run(capsys, "import", "tracker.csv", "--profile", "GMPP annual data")
    assert code == 2 and len(err) == 1
    assert err[0].startswith("tracker.csv:tracker:-:-: profile GMPP annual data does not fit: "
                             "missing column GMPP ID Number or Major Projects ID")
    assert out == ["nothing loaded; the database is unchanged"]
    assert Store(tmp_path / "pmo.duckdb").current() is None
    code, _, err = run(capsys, "import", "tracker.csv", "--profile", "Unknown")
    assert code == 2 and err == ["import: no profile called 'Unknown' (known: Microsoft Planner, "
                                 "Smartsheet portfolio, GMPP annual data)"]
    code, _, err = run(capsys, "validate", "tracker.csv", "--set", "no-equals-sign")
    assert code == 2 and err == ["validate: --set wants COLUMN=VALUE (no-equals-sign)"]


def test_validate_applies_builtin_profiles_and_writes_nothing(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "plan.csv").write_text(PLANNER_CSV, encoding="utf-8")
    code, out, err = run(capsys, "validate", "plan.csv")
    assert code == 1 and err == ["plan.csv:plan:8:Due Date: impossible date (31/02/2026)"]
    assert out[0].startswith("plan.csv:plan: milestones (profile Microsoft Planner), 3 rows")
    assert Store(tmp_path / "pmo.duckdb").current() is None


def test_help_lists_the_subcommand() -> None:
    done = subprocess.run([sys.executable, "-m", "pmo_data", "profiles", "--help"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "list,show,export,import,delete" in done.stdout
