"""Sign-in through a real OpenID Connect provider, in Chromium, as each kind of user.

``tests/test_roles.py`` checks roles by setting ``st.user`` in AppTest; this module proves the
real thing: a local provider (the certified ``oidc-provider`` package on Node.js,
``tests/oidc/provider.js``) on 127.0.0.1, and the dashboard started as the README says
(``python serve.py``) with a ``.streamlit/secrets.toml`` written as the README's sign-in
section says, pointing at it. Nothing of Streamlit's auth is replaced: the browser clicks
"Sign in", types the account on the provider's page, and comes back through
``/oauth2callback`` with Streamlit's signed identity cookie (``_streamlit_user``).

Checked: what a viewer, an importer, an admin and an unlisted user see (Import and the SQL
box only for the right roles, "no access" for the unlisted user), that a viewer's deep link
to Import shows no import controls, that signing out (here and at the provider) brings back
the "Sign in" button, and that an identity cookie that was edited, or signed longer ago than
Streamlit's 30-day lifetime (plus its one-day grace), is refused. The README's example
``[auth]`` block is checked to name exactly the keys this test writes.

Needs Node.js and ``npm ci`` in tests/oidc (``.ci/run`` does both).
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import shutil
import subprocess
import time
import tomllib
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import tomli_w
from apptest_support import small_database
from streamlit_server import ROOT, StreamlitServer, chromium, free_port, wait_for_app

OIDC = ROOT / "tests" / "oidc"
ACCOUNTS: dict[str, str] = json.loads((OIDC / "accounts.json").read_text())  # id -> e-mail
CLIENT_ID = "pmo-dashboard"
COOKIE = "_streamlit_user"  # Streamlit's signed identity cookie
PROVIDER_SESSION = "_session"  # oidc-provider's session cookie (same host, other port)
COOKIE_LIFETIME_DAYS = 30  # Streamlit's auth cookie max-age; the server allows one day more
ACCESS = {
    "access": {"default_role": "none", "sql_role": "admin"},
    "roles": {ACCOUNTS["admin"]: "admin", ACCOUNTS["importer"]: "importer",
              "@trust.nhs.uk": "viewer"},  # the viewer is matched by the domain entry
}
NO_ACCESS = "has no access to this dashboard"
SHOTS = ROOT / "test-results" / "screenshots"


def shot(page: Any, name: str) -> None:
    """Save a screenshot for people to look at (test-results/screenshots/sign_in_*.png)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"sign_in_{name}.png"), full_page=True)


def auth_secrets(app_url: str, issuer: str, client_secret: str,
                 cookie_secret: str) -> dict[str, str]:
    """The ``[auth]`` section of ``.streamlit/secrets.toml``, as the README documents it."""
    return {
        "redirect_uri": f"{app_url}/oauth2callback",
        "cookie_secret": cookie_secret,
        "client_id": CLIENT_ID,
        "client_secret": client_secret,
        "server_metadata_url": f"{issuer}/.well-known/openid-configuration",
    }


# --- the README's sign-in section --------------------------------------------------------


def readme_section(heading: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## )", text, re.M | re.S)
    assert match, f"README has no '## {heading}' section"
    return match.group(1)


def readme_toml_blocks() -> list[dict[str, Any]]:
    """The ```toml blocks of the README's sign-in section, parsed."""
    section = readme_section("Sign-in and roles")
    blocks = re.findall(r"^ *```toml\n(.*?)^ *```", section, re.M | re.S)
    return [tomllib.loads("\n".join(line.strip() for line in b.splitlines())) for b in blocks]


def test_the_readme_documents_the_auth_keys_this_test_writes() -> None:
    auth = [b["auth"] for b in readme_toml_blocks() if "auth" in b]
    assert len(auth) == 1, "the README's sign-in section needs one [auth] example"
    written = auth_secrets("http://127.0.0.1:1", "http://127.0.0.1:2", "s", "c")
    assert set(auth[0]) == set(written)
    assert auth[0]["redirect_uri"].endswith("/oauth2callback")
    assert auth[0]["server_metadata_url"].endswith("/.well-known/openid-configuration")


def test_the_readme_documents_the_access_file_this_test_writes() -> None:
    from pmo_data import access

    blocks = [b for b in readme_toml_blocks() if "roles" in b]
    assert len(blocks) == 1, "the README's sign-in section needs one access-file example"
    assert set(blocks[0]) == set(ACCESS)
    assert set(blocks[0]["access"]) == set(ACCESS["access"])
    access.parse_config(tomli_w.dumps(ACCESS))  # the test's file is a valid access file
    section = readme_section("Sign-in and roles")
    for step in ("PMO_ACCESS_FILE", ".streamlit/secrets.toml", "tests/test_sign_in.py",
                 "npm ci"):
        assert step in section, step


def test_authlib_and_its_http_client_are_pinned_and_import() -> None:
    """Streamlit's /auth/login imports Authlib's Starlette client, which needs httpx (the
    "auth" extra of streamlit): without it, Sign in is a server error on a fresh machine."""
    pins = (ROOT / "requirements.txt").read_text()
    assert re.search(r"^Authlib==\S+$", pins, re.M)
    assert re.search(r"^httpx==\S+$", pins, re.M)
    import importlib

    importlib.import_module("authlib.integrations.starlette_client")


# --- the provider, the server and the browser --------------------------------------------


@dataclass(frozen=True)
class SignInSite:
    """The running provider and dashboard, with the secrets the dashboard was given."""

    app_url: str
    issuer: str
    cookie_secret: str


def _wait_for_url(url: str, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the OIDC provider exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SignInSite]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is missing: apt-get install -y nodejs npm")
    if not (OIDC / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("the test OIDC provider is not installed: cd tests/oidc && npm ci")
    base = tmp_path_factory.mktemp("sign_in")
    app_port, oidc_port = free_port(), free_port()
    app_url, issuer = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{oidc_port}"
    client_secret, cookie_secret = secrets.token_hex(16), secrets.token_hex(32)

    log = open(base / "oidc.log", "wb")  # noqa: SIM115 - closed below
    provider = subprocess.Popen(
        [node, "provider.js", str(oidc_port), app_url, CLIENT_ID, client_secret],
        cwd=OIDC, stdout=log, stderr=subprocess.STDOUT)
    server = None
    try:
        _wait_for_url(f"{issuer}/.well-known/openid-configuration", provider)
        secrets_file = base / ".streamlit" / "secrets.toml"
        secrets_file.parent.mkdir()
        secrets_file.write_text(tomli_w.dumps(
            {"auth": auth_secrets(app_url, issuer, client_secret, cookie_secret)}))
        access_file = base / "access.toml"
        access_file.write_text(tomli_w.dumps(ACCESS))
        server = StreamlitServer(
            small_database(base), log=base / "server.log", port=app_port,
            env={"PMO_ACCESS_FILE": str(access_file), "PMO_SQL_BOX": "on", "PMO_SQL_ROLE": ""},
            args=["--secrets.files", str(secrets_file)])
        server.wait_healthy()
        yield SignInSite(app_url, issuer, cookie_secret)
    finally:
        if server is not None:
            server.stop()
        provider.terminate()
        try:
            provider.wait(timeout=10)
        except subprocess.TimeoutExpired:
            provider.kill()
            provider.wait()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def new_page(browser: Any, cookies: list[dict[str, Any]] | None = None) -> Any:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    if cookies:
        context.add_cookies(cookies)
    return context.new_page()


def open_app(page: Any, url: str) -> None:
    page.goto(url)
    wait_for_app(page)


def sign_in(page: Any, site: SignInSite, account: str) -> None:
    """Click "Sign in", type ``account`` on the provider's page, come back to the app."""
    open_app(page, site.app_url)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{site.issuer}/interaction/**", timeout=30_000)
    if account == "viewer":
        shot(page, "provider_login")
    page.get_by_label("Account").fill(account)
    page.get_by_label("Password").fill("not checked")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{site.app_url}/", timeout=30_000)
    wait_for_app(page)


def sign_out(page: Any, site: SignInSite) -> None:
    """Click "Sign out"; confirm at the provider; expect the app's "Sign in" button, and
    neither the app's identity cookies nor the provider's session cookie left."""
    assert {COOKIE, PROVIDER_SESSION} <= cookie_names(page)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{site.issuer}/session/end**", timeout=30_000)
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(f"{site.app_url}/", timeout=30_000)
    wait_for_app(page)
    assert page.get_by_role("button", name="Sign in").count() == 1
    assert page.get_by_text("Signed in as").count() == 0
    left = cookie_names(page)
    assert not [n for n in left if n.startswith(COOKIE)], left  # also _streamlit_user_tokens
    assert PROVIDER_SESSION not in left, left


def cookie_names(page: Any) -> set[str]:
    return {c["name"] for c in page.context.cookies()}


def nav_links(page: Any) -> list[str]:
    """The sidebar's page links by title (each link's text starts with its icon's name)."""
    return [t.strip().splitlines()[-1] for t in
            page.locator("[data-testid='stSidebarNavLink']").all_inner_texts()]


def signed_in_caption(page: Any, account: str, role: str) -> None:
    caption = f"Signed in as {ACCOUNTS[account]} ({role})."
    shown = page.get_by_text("Signed in as").first
    shown.wait_for(timeout=30_000)
    # read as the user reads it: md() keeps addresses from becoming links with an invisible
    # word joiner, which is not part of what anyone sees
    assert shown.inner_text().replace("\u2060", "").strip() == caption
    assert page.locator("a[href^='mailto:']").count() == 0  # the address is text, not a link


def has_sql_box(page: Any, site: SignInSite) -> bool:
    open_app(page, f"{site.app_url}/explore")
    page.get_by_role("heading", name="Explore").first.wait_for(timeout=30_000)
    tabs = page.get_by_role("tab", name="SQL")
    if tabs.count() == 0:
        return False
    tabs.click()
    page.locator("[data-testid='stTextArea'] textarea").first.wait_for(timeout=30_000)
    return True


def import_controls(page: Any) -> int:
    """How many import controls the page shows (file uploader, roll-back button)."""
    return (page.locator("[data-testid='stFileUploader']").count()
            + page.get_by_role("button", name=re.compile("^Roll back")).count())



@pytest.mark.browser
@pytest.mark.slow
def test_a_viewer_sees_the_dashboards_but_no_import_and_no_sql(site: SignInSite,
                                                               browser: Any) -> None:
    page = new_page(browser)
    sign_in(page, site, "viewer")
    signed_in_caption(page, "viewer", "viewer")
    links = nav_links(page)
    assert "Overview" in links and "Explore" in links and "Data quality" in links
    assert "Import" not in links
    assert not has_sql_box(page, site)
    # a deep link to Import (a bookmark, a shared address) shows no import controls
    open_app(page, f"{site.app_url}/import_data")
    shot(page, "viewer_import_deep_link")
    assert import_controls(page) == 0
    assert page.get_by_role("heading", name="Import").count() == 0
    assert "Import" not in nav_links(page)
    dialog = page.get_by_role("dialog")  # Streamlit: the page is not in this user's navigation
    assert "Page not found" in dialog.inner_text()
    page.keyboard.press("Escape")
    dialog.wait_for(state="detached", timeout=10_000)
    sign_out(page, site)
    page.context.close()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("account, sql", [("importer", False), ("admin", True)])
def test_importers_and_admins_get_import_and_admins_the_sql_box(
        site: SignInSite, browser: Any, account: str, sql: bool) -> None:
    page = new_page(browser)
    sign_in(page, site, account)
    signed_in_caption(page, account, account)
    assert "Import" in nav_links(page)
    open_app(page, f"{site.app_url}/import_data")
    page.locator("[data-testid='stFileUploader']").first.wait_for(timeout=30_000)
    assert import_controls(page) >= 1
    shot(page, f"{account}_import")
    assert has_sql_box(page, site) is sql  # sql_role = "admin" in this access file
    sign_out(page, site)
    page.context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_an_unlisted_user_is_told_no_access_and_can_sign_out(site: SignInSite,
                                                             browser: Any) -> None:
    page = new_page(browser)
    sign_in(page, site, "unlisted")
    message = page.get_by_text(NO_ACCESS)
    message.wait_for(timeout=30_000)
    wait_for_app(page)  # the run that refuses has finished (no page list left behind)
    # the address as the user reads it (md()'s invisible word joiner keeps it from a link)
    assert message.inner_text().replace("\u2060", "").startswith(
        f"{ACCOUNTS['unlisted']} {NO_ACCESS}")
    assert page.locator("a[href^='mailto:']").count() == 0
    shot(page, "unlisted")
    assert nav_links(page) == []
    assert page.locator("[data-testid='stDataFrame']").count() == 0
    open_app(page, f"{site.app_url}/data_quality")  # a deep link shows the same refusal
    assert page.get_by_text(NO_ACCESS).count() == 1 and nav_links(page) == []
    sign_out(page, site)
    page.context.close()


# --- the identity cookie ------------------------------------------------------------------


def _signed(secret: str, payload: str, age_days: float) -> str:
    """``payload`` signed as Streamlit signs its identity cookie (itsdangerous, salted with
    the cookie name), as if ``age_days`` ago."""
    from itsdangerous import TimestampSigner, URLSafeTimedSerializer

    class Then(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time() - age_days * 86400)

    return URLSafeTimedSerializer(secret, salt=COOKIE, signer=Then).dumps(payload)


def _shows(browser: Any, site: SignInSite, cookie: dict[str, Any], value: str) -> str:
    """Open the app with the identity cookie set to ``value``: "signed in" or "sign in".

    The sign-in gate decides before the page draws anything, so the first of the sidebar's
    "Signed in as" caption and the "Sign in" button to show is the answer."""
    page = new_page(browser, [{**cookie, "value": value}])
    page.goto(site.app_url)
    page.get_by_text("Signed in as").or_(page.get_by_role("button", name="Sign in")).wait_for(
        timeout=60_000)
    signed = page.get_by_text("Signed in as").count()
    button = page.get_by_role("button", name="Sign in").count()
    page.context.close()
    assert signed + button == 1, (signed, button)
    return "signed in" if signed else "sign in"


@pytest.mark.browser
@pytest.mark.slow
def test_an_edited_or_expired_identity_cookie_is_refused(site: SignInSite,
                                                         browser: Any) -> None:
    from itsdangerous import URLSafeTimedSerializer

    page = new_page(browser)
    sign_in(page, site, "viewer")
    signed_in_caption(page, "viewer", "viewer")
    cookies = {c["name"]: c for c in page.context.cookies()}
    page.context.close()
    cookie = cookies[COOKIE]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"  # no script can read it
    lifetime = (cookie["expires"] - time.time()) / 86400
    assert COOKIE_LIFETIME_DAYS - 0.01 < lifetime <= COOKIE_LIFETIME_DAYS, lifetime
    assert f"{COOKIE}_1" not in cookies  # one cookie, not chunks
    cookie = {k: cookie[k] for k in ("name", "domain", "path", "httpOnly", "sameSite")}
    value = cookies[COOKIE]["value"]
    payload = URLSafeTimedSerializer(site.cookie_secret, salt=COOKIE).loads(value)
    claims = json.loads(payload)
    assert claims["email"] == ACCOUNTS["viewer"] and claims["origin"] == site.app_url

    # the cookie as issued, and one re-signed with the secret 29 days ago, are accepted
    assert _shows(browser, site, cookie, value) == "signed in"
    assert _shows(browser, site, cookie, _signed(site.cookie_secret, payload, 29)) == "signed in"
    # signed 32 days ago (past the 30-day lifetime and the one-day grace): refused
    assert _shows(browser, site, cookie, _signed(site.cookie_secret, payload, 32)) == "sign in"
    # the signature's bytes flipped
    body, stamp, signature = value.rsplit(".", 2)
    flipped = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    assert _shows(browser, site, cookie, f"{body}.{stamp}.{flipped}") == "sign in"
    # the e-mail edited to the admin's, the original signature kept
    admin = payload.replace(ACCOUNTS["viewer"], ACCOUNTS["admin"])
    encoded = base64.urlsafe_b64encode(json.dumps(admin).encode()).rstrip(b"=").decode()
    assert _shows(browser, site, cookie, f"{encoded}.{stamp}.{signature}") == "sign in"
    # the same edit signed with another secret
    assert _shows(browser, site, cookie, _signed(secrets.token_hex(32), admin, 0)) == "sign in"
