"""AppTest: the Import page validates an upload, shows every problem, then loads it."""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest_support import PROJECTS_CSV, page, plain, serve, small_database

from pmo_data.store import Store


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return serve(small_database(tmp_path), monkeypatch)


def test_upload_preview_then_load(db: Path) -> None:
    at = page("import_data").run()
    assert not at.exception
    assert "Serving version **1**." in [plain(m.value) for m in at.markdown]
    upload = ("training.csv",
              b"Assignment Number,Full Name,Course Title,Course Date,Attendance Status\n"
              b"100,Jane Example,Intro to PM,01/05/2025,Attended\n"
              b"101,John Example,Intro to PM,31/02/2025,DNA\n", "text/csv")
    at.file_uploader(key="uploads").set_value([upload]).run()
    assert not at.exception
    sheets = at.dataframe[0].value
    assert list(sheets["Source"]) == ["training"]
    assert sheets["Valid"].iloc[0] == 1 and sheets["Rejected"].iloc[0] == 1
    assert "Full Name" in sheets["Columns not stored"].iloc[0]
    problems = at.dataframe[1].value
    assert problems.iloc[0]["Row"] == 3
    assert problems.iloc[0]["Problem"] == "impossible date"
    assert "1 problems" in at.warning[0].value
    at.button[0].click().run()  # Load
    assert not at.exception
    assert any("into version 2" in plain(s.value) for s in at.success)
    assert Store(db).current().number == 2


def test_templates_offered_for_every_source(db: Path) -> None:
    at = page("import_data").run()
    labels = [b.label for b in at.get("download_button") if b.key.startswith("template_")]
    assert "Training records" in labels and "Projects" in labels
    assert len(labels) == 10


def test_rollback_button(db: Path) -> None:
    from pmo_data.ingest import import_files

    import_files([("p.csv", b"Project ID,Project Name,Service Group,Stage,Start Date,End Date\n"
                            b"P9,X,Medicine,Delivery,01/04/2025,01/04/2026\n")], db)
    at = page("import_data").run()
    rollback = [b for b in at.button if b.label.startswith("Roll back")][0]
    rollback.click().run()
    assert any("Now serving version 1" in plain(s.value) for s in at.success)
    assert Store(db).current().number == 1


def test_viewer_cannot_import(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    roles = tmp_path / "access.toml"
    roles.write_text('[roles]\n"viewer@trust.nhs.uk" = "viewer"\n"pm@trust.nhs.uk" = "importer"\n')
    monkeypatch.setenv("PMO_ACCESS_FILE", str(roles))
    at = page("import_data")
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback",
                          "cookie_secret": "x", "client_id": "x", "client_secret": "x",
                          "server_metadata_url": "https://login.example/.well-known"}
    at.user = {"is_logged_in": True, "email": "viewer@trust.nhs.uk"}
    at.run()
    assert not at.exception
    assert at.error[0].value == "You do not have access to this page."
    assert len(at.get("file_uploader")) == 0
    at.user = {"is_logged_in": True, "email": "pm@trust.nhs.uk"}
    at.run()
    assert not at.error and len(at.get("file_uploader")) == 1


TRACKER_CSV = (b"Scheme Ref,Scheme,Directorate,Phase,Kick-off,Target finish,Health\n"
               b"SR-1,Ward move,Medicine,In progress,01/04/2025,31/03/2026,Yellow\n"
               b"SR-2,New clinic,Surgery,Not started,01/05/2025,31/02/2026,Green\n")


def _select(at, label: str):  # noqa: ANN001, ANN202 - AppTest elements
    return next(s for s in at.selectbox if s.label == label)


def test_mapping_step_then_saved_profile_maps_the_next_file(db: Path) -> None:
    at = page("import_data").run()
    at.file_uploader(key="uploads").set_value([("tracker.csv", TRACKER_CSV, "text/csv")]).run()
    assert not at.exception
    assert "Map tracker.csv : tracker" in [plain(s.value) for s in at.subheader]
    assert _select(at, "Source").value == "projects"
    assert _select(at, "project_id *").value == "Scheme Ref"
    assert _select(at, "planned_end_date *").value == "Target finish"
    assert _select(at, "Not started (1 rows)").value == "Pipeline"  # unknown stage word
    assert any("Required columns not mapped: project_name" in plain(w.value) for w in at.warning)
    save = next(b for b in at.button if b.label == "Save profile")
    assert save.disabled
    _select(at, "project_name *").set_value("Scheme").run()
    assert not at.exception
    preview = at.dataframe[-3].value  # rows as they would load
    assert list(preview["project_id"]) == ["SR-1"] and list(preview["stage"]) == ["Delivery"]
    errors = at.dataframe[-2].value
    assert list(errors["Row error"]) == [
        "tracker.csv:tracker:3:Target finish: impossible date (31/02/2026)"]
    name = next(t for t in at.text_input if t.label == "Profile name")
    name.set_value("Scheme tracker").run()
    next(b for b in at.button if b.label == "Save profile").click().run()
    assert not at.exception
    assert any(plain(s.value).startswith("Saved profile Scheme tracker (version 2)")
               for s in at.success)
    assert "Map tracker.csv : tracker" not in [plain(s.value) for s in at.subheader]
    assert at.dataframe[0].value["Message"].iloc[0] == "profile Scheme tracker"
    second = TRACKER_CSV.replace(b"31/02/2026", b"28/02/2026")
    at.file_uploader(key="uploads").set_value([("april.csv", second, "text/csv")]).run()
    assert at.dataframe[0].value["Message"].iloc[0] == "profile Scheme tracker"
    next(b for b in at.button if b.label == "Load").click().run()
    assert not at.exception
    lines = [plain(s.value) for s in at.success]
    assert any(line.startswith("april.csv:april: projects (profile Scheme tracker), 2 rows read, "
                               "2 valid") for line in lines)
    assert Store(db).current().number == 3


def test_profiles_section_lists_builtins(db: Path) -> None:
    at = page("import_data").run()
    table = next(df.value for df in at.dataframe if "Profile" in df.value.columns)
    assert list(table["Profile"]) == ["Microsoft Planner", "Smartsheet portfolio",
                                      "GMPP annual data"]
    assert "Download TOML" in [b.label for b in at.get("download_button")]


def test_profile_imported_from_toml(db: Path) -> None:
    from pmo_data.builtin_profiles import PLANNER
    from pmo_data.profiles import profile_from_dict, profile_to_toml, saved_profiles

    text = profile_to_toml(profile_from_dict({**PLANNER, "name": "Our Planner"}))
    at = page("import_data").run()
    at.toggle(key="map:import_open").set_value(True).run()
    uploader = next(u for u in at.get("file_uploader") if u.key == "map:import_file")
    uploader.set_value([("ours.toml", text.encode(), "application/toml")]).run()
    next(b for b in at.button if b.label == "Save imported profile").click().run()
    assert not at.exception
    assert any(s.value == "Saved profile Our Planner (version 2)." for s in at.success)
    assert [p.name for p in saved_profiles(db)] == ["Our Planner"]


def test_project_file_upload_shows_the_project_and_milestones(db: Path, tmp_path: Path) -> None:
    from project_support import sample_tasks, write_project

    path = write_project(tmp_path / "P0123 EPR rollout.xml", sample_tasks(6))
    at = page("import_data").run()
    at.file_uploader(key="uploads").set_value(
        [(path.name, path.read_bytes(), "application/xml")]).run()
    assert not at.exception
    sheets = at.dataframe[0].value
    assert list(sheets["Source"]) == ["projects", "milestones"]
    assert sheets["Message"].iloc[0].startswith("project file read with MPXJ: 6 tasks, "
                                                "2 milestones")
    next(b for b in at.button if b.label == "Load").click().run()
    assert any("loaded 3 rows into version 2" in plain(s.value) for s in at.success)


def test_peer_snapshots_upload_loads_good_files_and_names_bad_ones(db: Path,
                                                                   tmp_path: Path) -> None:
    from datetime import date

    from pmo_data import benchmark

    snap = benchmark.Snapshot(benchmark.Organisation("RA1", "Eastmoor NHS Trust", 4000),
                              "2025/26", date(2026, 3, 31), (benchmark.SnapshotRow(
                                  "OPEN_HIGH_RISKS", 12, 12, None, "count", "down", None),))
    parquet, _ = benchmark.write_snapshot(snap, tmp_path / "share")
    at = page("import_data").run()
    at.toggle(key="snapshot_toggle").set_value(True).run()
    at.file_uploader(key="snapshots").set_value([
        (parquet.name, parquet.read_bytes(), "application/octet-stream"),
        ("projects.csv", PROJECTS_CSV.encode(), "text/csv")]).run()
    at.button(key="load_snapshots").click().run()
    assert not at.exception
    assert [plain(e.value) for e in at.error] == [
        "projects.csv: not a benchmarking snapshot (no schema_version column); nothing loaded "
        "from this file"]
    assert [plain(s.value) for s in at.success][-2:] == [
        "loaded RA1 Eastmoor NHS Trust 2025/26 from pmo-benchmark-RA1-2025-26.parquet",
        "1 snapshot loaded as version 2"]
    from pmo_data.db import Database

    with Database(Store(db).current().path) as con:
        assert benchmark.snapshot_rows(con)[["org_code", "code", "value"]].values.tolist() == [
            ["RA1", "OPEN_HIGH_RISKS", 12.0]]
