"""Who can see and change what: sign-in and roles, as each kind of user meets the app.

Sign-in is Streamlit's OIDC (``st.login``), switched on by an ``[auth]`` section in
``.streamlit/secrets.toml``; roles (viewer < importer < admin) come from the access file named
by ``PMO_ACCESS_FILE`` (see ``pmo_data/access.py`` and ``tests/test_access.py`` for the role
rules themselves). AppTest simulates the signed-in user (``at.user``), so every case runs
without an identity provider: signed out, signed in but unknown, viewer (by domain),
importer, admin, and sign-in off.

Also the safe defaults: the Streamlit config (XSRF on, usage statistics off, error details
hidden from users but written to the server log, localhost only, one upload limit) and pinned
dependencies.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from apptest_support import ROOT, app, page, plain, small_database
from streamlit.testing.v1 import AppTest

AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "test-secret",
        "client_id": "client", "client_secret": "secret",
        "server_metadata_url": "https://login.microsoftonline.com/tenant/v2.0/"
                               ".well-known/openid-configuration"}
ROLES = """
[access]
default_role = "none"
sql_role = "importer"

[roles]
"head.of.pmo@trust.nhs.uk" = "admin"
"analyst@trust.nhs.uk" = "importer"
"@trust.nhs.uk" = "viewer"
"""
VIEWER = "board.secretary@trust.nhs.uk"  # matched by the domain entry
IMPORTER = "analyst@trust.nhs.uk"
ADMIN = "head.of.pmo@trust.nhs.uk"
UNKNOWN = "someone@elsewhere.org"
NAV_PAGES = re.findall(r'st\.Page\("(pages/[a-z_]+\.py)"', (ROOT / "dashboard.py").read_text())
NO_ACCESS = "You do not have access to this page."


@pytest.fixture(autouse=True)
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMO_DB", str(small_database(tmp_path)))
    roles = tmp_path / "access.toml"
    roles.write_text(ROLES)
    monkeypatch.setenv("PMO_ACCESS_FILE", str(roles))


def signed_in(at: AppTest, email: str | None) -> AppTest:
    """Turn sign-in on for ``at`` and simulate ``email`` (None: signed out)."""
    at.secrets["auth"] = AUTH
    at.user = ({"is_logged_in": True, "email": email} if email
               else {"is_logged_in": False})
    return at


def pages_offered(at: AppTest) -> set[str]:
    """The pages the navigation registered for this user (AppTest refuses the others)."""
    offered = set()
    for path in NAV_PAGES:
        try:
            at.switch_page(path)
        except ValueError:
            continue
        offered.add(path)
    return offered


def visible_text(at: AppTest) -> str:
    parts = [e.value for kind in ("title", "markdown", "caption", "error", "info", "warning",
                                  "success") for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def test_dashboard_declares_import_and_the_pages() -> None:
    assert "pages/import_data.py" in NAV_PAGES and len(NAV_PAGES) >= 10


def test_signed_out_users_see_only_a_sign_in_button() -> None:
    at = signed_in(app(), None).run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert [plain(t.value) for t in at.title] == ["PMO dashboard"]
    assert len(at.dataframe) == 0 and len(at.get("plotly_chart")) == 0
    assert len(at.metric) == 0 and len(at.sidebar.selectbox) == 0  # no data, no filters



@pytest.mark.parametrize("path", ["pages/overview.py", "pages/data_quality.py",
                                  "pages/import_data.py", "pages/explore.py"])
def test_signed_out_deep_links_show_no_data(path: str) -> None:
    at = signed_in(app(), None).run()
    at.switch_page(path).run()
    assert not at.exception
    assert "Sign in" in [b.label for b in at.button] or [plain(e.value) for e in at.error] == [
        NO_ACCESS], path
    assert len(at.dataframe) == 0 and len(at.metric) == 0, path
    assert len(at.get("file_uploader")) == 0 and len(at.text_area) == 0, path


def test_signed_out_users_cannot_open_a_page_directly() -> None:
    at = signed_in(page("import_data"), None).run()
    assert not at.exception
    assert [plain(e.value) for e in at.error] == [NO_ACCESS]
    assert len(at.get("file_uploader")) == 0


def test_unknown_users_are_told_and_can_sign_out() -> None:
    at = signed_in(app(), UNKNOWN).run()
    assert not at.exception
    assert [plain(e.value) for e in at.error] == [
        f"{UNKNOWN} has no access to this dashboard. Ask the PMO to add you to the access list."]
    assert [b.label for b in at.button] == ["Sign out"]
    assert len(at.dataframe) == 0 and len(at.metric) == 0
    at.switch_page("pages/data_quality.py").run()
    assert [b.label for b in at.button] == ["Sign out"] and len(at.dataframe) == 0


def test_viewers_see_the_dashboards_but_not_import() -> None:
    at = signed_in(app(), VIEWER).run()
    assert not at.exception
    assert f"Signed in as {VIEWER} (viewer)." in [plain(c.value) for c in at.sidebar.caption]
    offered = pages_offered(at)
    assert offered == set(NAV_PAGES) - {"pages/import_data.py"}
    for path in sorted(offered):  # every dashboard opens for a viewer
        at.switch_page(path).run()
        assert not at.exception, path
        assert NO_ACCESS not in visible_text(at), path


def test_viewers_cannot_use_import_or_rollback_even_by_address() -> None:
    at = signed_in(page("import_data"), VIEWER).run()
    assert not at.exception
    assert [plain(e.value) for e in at.error] == [NO_ACCESS]
    assert len(at.get("file_uploader")) == 0
    assert not [b for b in at.button if b.label.startswith("Roll back")]


def test_viewers_get_no_sql_box_importers_do() -> None:
    at = signed_in(page("explore"), VIEWER).run()
    assert not at.exception
    assert "SQL" not in [t.label for t in at.tabs]
    assert len(at.text_area) == 0
    at = signed_in(page("explore"), IMPORTER).run()
    assert not at.exception
    assert [t.label for t in at.tabs] == ["Pivot", "SQL"]


@pytest.mark.parametrize("email, role", [(IMPORTER, "importer"), (ADMIN, "admin")])
def test_importers_and_admins_see_import_with_rollback(email: str, role: str) -> None:
    at = signed_in(app(), email).run()
    assert not at.exception
    assert f"Signed in as {email} ({role})." in [plain(c.value) for c in at.sidebar.caption]
    assert pages_offered(at) == set(NAV_PAGES)
    at.switch_page("pages/import_data.py").run()
    assert not at.exception and not at.error
    assert len(at.get("file_uploader")) == 1
    assert [b.label for b in at.button if b.label.startswith("Roll back")] == [
        "Roll back to the previous version"]


def test_roles_ignore_case_and_the_sign_out_button_is_offered() -> None:
    at = signed_in(app(), IMPORTER.upper()).run()
    assert not at.exception
    assert "pages/import_data.py" in pages_offered(at)
    assert "Sign out" in [b.label for b in at.sidebar.button]


def test_with_sign_in_off_a_notice_says_so_and_everything_is_open() -> None:
    at = app().run()  # no [auth] secrets: local mode
    assert not at.exception
    assert ("Sign-in is off (local mode): only this computer can open the app."
            in [plain(c.value) for c in at.sidebar.caption])
    assert not [b for b in at.button if b.label in ("Sign in", "Sign out")]
    assert pages_offered(at) == set(NAV_PAGES)
    at = page("explore").run()
    assert [t.label for t in at.tabs] == ["Pivot", "SQL"]


# --- safe by default ---------------------------------------------------------------------


def test_streamlit_config_is_safe_by_default() -> None:
    import tomllib

    from pmo_data import limits

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["address"] == "127.0.0.1"  # only this machine, unless sign-in
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["showErrorDetails"] == "none"  # details go to the log only
    assert config["client"]["toolbarMode"] == "viewer"
    # one upload limit: the server's, the uploader's and the importer's agree
    assert config["server"]["maxUploadSize"] == limits.DEFAULT_MAX_UPLOAD_MB


def test_dependencies_are_pinned() -> None:
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in (ROOT / name).read_text().splitlines():
            line = line.split("#", 1)[0].strip()
            if not line or line.startswith("-r "):
                continue
            assert re.fullmatch(r"[A-Za-z0-9_.\-]+(\[[a-z,]+\])?==[0-9][0-9A-Za-z.]*", line), \
                f"{name}: {line} is not pinned with =="


@pytest.mark.browser
def test_error_details_are_hidden_from_users_but_logged(tmp_path: Path) -> None:
    """With the project's config, a crashing script shows users a generic message while the
    server log gets the exception and where it happened."""
    from playwright.sync_api import sync_playwright
    from streamlit_server import CHROMIUM, CHROMIUM_ARGS, StreamlitServer, wait_for_app

    script = tmp_path / "crash.py"
    script.write_text("import streamlit as st\nst.title('Crash')\n"
                      "raise RuntimeError('secret detail 4242')\n")
    log = tmp_path / "server.log"
    server = StreamlitServer(tmp_path / "unused.duckdb", script=str(script), log=log)
    try:
        server.wait_healthy()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                        args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(server.url)
            wait_for_app(page)
            box = page.locator("[data-testid='stException']")
            box.first.wait_for(timeout=60_000)
            shown = page.locator("[data-testid='stMain']").inner_text()
            browser.close()
    finally:
        server.stop()
    assert "secret detail" not in shown and "RuntimeError" not in shown
    assert "redacted" in shown
    logged = re.sub(r"\x1b\[[0-9;]*m", "", log.read_text(errors="replace"))
    assert "RuntimeError: secret detail 4242" in logged
    assert "crash.py" in logged


PAGE_FILES = sorted(p.stem for p in (ROOT / "pages").glob("*.py"))


@pytest.mark.parametrize("name", PAGE_FILES)
@pytest.mark.parametrize("email", [None, UNKNOWN])
def test_every_page_checks_the_role_itself(name: str, email: str | None) -> None:
    # the finding: pages had no role check of their own, only dashboard.py gated them
    at = signed_in(page(name), email).run()
    assert not at.exception
    assert [plain(e.value) for e in at.error] == [NO_ACCESS], name
    assert len(at.dataframe) == 0 and len(at.metric) == 0 and len(at.title) == 0, name
    assert len(at.get("plotly_chart")) == 0 and len(at.get("file_uploader")) == 0, name
