"""AppTest: the Import page validates an upload, shows every problem, then loads it."""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest_support import page, serve, small_database

from pmo_data.store import Store


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return serve(small_database(tmp_path), monkeypatch)


def test_upload_preview_then_load(db: Path) -> None:
    at = page("import_data").run()
    assert not at.exception
    assert "Serving version **1**." in [m.value for m in at.markdown]
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
    assert any("into version 2" in s.value for s in at.success)
    assert Store(db).current().number == 2


def test_templates_offered_for_every_source(db: Path) -> None:
    at = page("import_data").run()
    labels = [b.label for b in at.get("download_button")]
    assert "Training records" in labels and "Projects" in labels
    assert len(labels) == 10


def test_rollback_button(db: Path) -> None:
    from pmo_data.ingest import import_files

    import_files([("p.csv", b"Project ID,Project Name,Service Group,Stage,Start Date,End Date\n"
                            b"P9,X,Medicine,Delivery,01/04/2025,01/04/2026\n")], db)
    at = page("import_data").run()
    rollback = [b for b in at.button if b.label.startswith("Roll back")][0]
    rollback.click().run()
    assert any("Now serving version 1" in s.value for s in at.success)
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
