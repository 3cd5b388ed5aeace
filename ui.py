"""The thin layer between Streamlit pages and the ``pmo_data`` engine.

Pages import this module for four things, so each page stays a table of contents:
the read-only database of the current version (one per process and version, queries on
their own cursors), cached calls of ``pmo_data`` functions keyed on that version, the
shared sidebar filters (with defaults, so a page also runs on its own), and small
rendering helpers (freshness lines, empty states).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import streamlit as st

from pmo_data import access, fmt, freshness, pages
from pmo_data.charts.palette import CAPTION_TEXT
from pmo_data.db import Database, db_path_from_env
from pmo_data.parse import fy_bounds, fy_of
from pmo_data.periods import evaluation_date
from pmo_data.sealed import UnsealedVersion, check_sealed
from pmo_data.store import Store
from pmo_data.text import md

if TYPE_CHECKING:  # the import machinery (pydantic, readers) loads only when uploads come
    pass

T = TypeVar("T")


def _leave_legacy_pages_mode() -> None:
    """Make a deep link on a fresh server run dashboard.py's navigation.

    Streamlit treats a ``pages/`` folder beside the entry script as a legacy multipage app
    until ``st.navigation`` has run once in the process; until then a first request for
    ``/benefits`` runs pages/benefits.py alone (no navigation, filters or layout). When a
    page is run that way, switch the flag off and rerun, so the entry script handles it.
    Called from the helpers every page starts with (never at import time: a rerun raised
    while the module is being imported would leave it half-initialised for other sessions).
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # pragma: no cover - internal module moved
        return
    if getattr(PagesManager, "uses_pages_directory", False):
        PagesManager.uses_pages_directory = False
        st.rerun()
ALL_GROUPS = "All service groups"
ROOT = Path(__file__).resolve().parent
#: Images the app serves itself (the favicon): nothing is fetched from the internet.
ASSETS = ROOT / "assets"


@dataclass(frozen=True)
class DbRef:
    """The current database version: plain values, safe as cache keys."""

    path: str
    version: int


@dataclass(frozen=True)
class Filters:
    """The shared filters every page honours. ``at`` is the evaluation date every figure is
    worked out at (``pmo_data.periods.evaluation_date``: the as-at date, or the FY's end for
    a past year)."""

    fy: str
    service_group: str | None
    as_at: date

    @property
    def at(self) -> date:
        return evaluation_date(self.fy, self.as_at)


def db_path() -> Path:
    """The database name (``PMO_DB`` or data/pmo.duckdb), resolved against the app folder."""
    path = db_path_from_env()
    return path if path.is_absolute() else ROOT / path


def sample_dir() -> Path:
    """Where first-run demo exports live: ``PMO_SAMPLE_DIR``, else data/sample."""
    path = Path(os.environ.get("PMO_SAMPLE_DIR") or "data/sample")
    return path if path.is_absolute() else ROOT / path


def current_db() -> DbRef | None:
    """The version the pointer names now (read on every rerun: a tiny file), or None."""
    version = Store(db_path()).current()
    return None if version is None else DbRef(str(version.path), version.number)


def _close(db: Database) -> None:
    db.close()


@st.cache_resource(max_entries=3, on_release=_close, show_spinner=False)
def _database(path: str, version: int) -> Database:
    """One read-only connection per process and version; older versions are closed on
    eviction (a version is never changed after it is published)."""
    return Database(path, version=version)


@st.cache_data(max_entries=2000, show_spinner=False)
def _cached_call(func: str, path: str, version: int, kwargs: tuple[tuple[str, Any], ...]) -> Any:
    module, name = func.rsplit(".", 1)
    target = getattr(importlib.import_module(module), name)
    return target(_database(path, version), **dict(kwargs))


def call(func: Callable[..., T], **kwargs: Any) -> T:
    """Call ``func(db, **kwargs)`` on the current version, cached by (func, version, kwargs).

    ``func`` must be a module-level function of ``pmo_data`` taking the Database first and
    plain, hashable keyword arguments.
    """
    ref = require_db()
    name = f"{func.__module__}.{func.__qualname__}"
    return _cached_call(name, ref.path, ref.version, tuple(sorted(kwargs.items())))


def database() -> Database:
    """The read-only Database of the current version (for uncached, one-off calls)."""
    ref = require_db()
    return _database(ref.path, ref.version)


def require_db() -> DbRef:
    """The current version, or stop the page with a pointer to the Import page."""
    _page_gate()
    ref = current_db()
    if ref is None:
        st.info("No data has been imported yet. Open **Import** to load your exports, or run "
                "`python -m pmo_data import data/sample`.")
        st.stop()
    try:
        check_sealed(Path(ref.path))  # a published version changed afterwards is not served
    except UnsealedVersion as exc:
        st.error(md(exc))
        st.stop()
    return ref


def clear_caches() -> None:
    """Forget cached query results (after an import or rollback the version changes, so
    old entries would simply never be hit; clearing frees memory at once)."""
    _cached_call.clear()


# --- shared filters ---------------------------------------------------------------------


def _defaults() -> Filters:
    from pmo_data import metrics

    latest = call(metrics.latest_data_date) or date.today()
    return Filters(fy=fy_of(latest), service_group=None, as_at=latest)


def sidebar_filters() -> None:
    """Draw the shared filters in the sidebar (dashboard.py calls this once per run)."""
    if current_db() is None:
        return
    from pmo_data import metrics

    default = _defaults()
    with st.sidebar:
        st.markdown("**Filters**")
        st.date_input("As at", value=default.as_at, key="as_at", format="DD/MM/YYYY",
                      on_change=_as_at_changed,
                      help="Metrics use data up to this date. Default: the latest data date. "
                           "The financial year follows it unless you pick another.")
        enter_applies_dates()
        as_at = st.session_state.get("as_at") or default.as_at
        years = call(metrics.financial_years)
        wanted = fy_of(as_at)
        picked = st.session_state.get("fy") if st.session_state.get("fy_picked") else None
        years = sorted({*years, wanted, *([picked] if picked else [])})
        if st.session_state.get("fy") not in years:
            st.session_state["fy"] = wanted
        st.selectbox("Financial year", years, key="fy", on_change=_fy_picked,
                     help="NHS financial year, 1 April to 31 March.")
        note = fy_note(st.session_state["fy"], as_at)
        if note:
            st.caption(note)
        groups = [ALL_GROUPS, *call(metrics.service_groups)]
        if st.session_state.get("service_group") not in groups:
            st.session_state["service_group"] = ALL_GROUPS
        st.selectbox("Service group", groups, key="service_group")


#: Streamlit's date box applies a typed date only when the focus moves to another element
#: (not on a script's blur(), not on Tab, which stays inside the box on its calendar
#: button); pressing Enter in it does nothing, although every other box applies on Enter.
#: This script (run in the page, once) makes Enter in a date box do what clicking elsewhere
#: does: it moves the focus to an invisible element outside the box, then puts it back, so
#: keyboard users stay where they were. It touches nothing else: Enter in the calendar
#: pop-up, or anywhere outside a date box, is left alone.
_ENTER_APPLIES_DATES_JS = """
export default function () {
  if (window.pmoEnterAppliesDates) return;
  window.pmoEnterAppliesDates = true;
  const elsewhere = document.createElement("span");
  elsewhere.tabIndex = -1;
  elsewhere.setAttribute("aria-hidden", "true");
  elsewhere.style.cssText = "position:fixed;width:1px;height:1px;overflow:hidden;opacity:0";
  document.body.appendChild(elsewhere);
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.isComposing || !(event.target instanceof Element)) {
      return;
    }
    if (!event.target.closest('[data-testid="stDateInputField"]')) return;
    const segment = event.target;
    event.preventDefault();
    elsewhere.focus();
    requestAnimationFrame(() => { if (segment.isConnected) segment.focus(); });
  }, true);
}
"""


@st.cache_resource
def _enter_component() -> Any:
    return st.components.v2.component("pmo_enter_applies_dates", js=_ENTER_APPLIES_DATES_JS)


def enter_applies_dates() -> None:
    """Make Enter apply a date typed in any date box of the page (see
    ``_ENTER_APPLIES_DATES_JS``); draws nothing."""
    _enter_component()(key="pmo_enter_applies_dates")


def _as_at_changed() -> None:
    """A new as-at date moves the financial year with it, unless the user picked one."""
    as_at = st.session_state.get("as_at")
    if as_at and not st.session_state.get("fy_picked"):
        st.session_state["fy"] = fy_of(as_at)


def _fy_picked() -> None:
    """A year picked by hand stays until it is the as-at date's own year again."""
    as_at = st.session_state.get("as_at")
    st.session_state["fy_picked"] = bool(as_at) and st.session_state.get("fy") != fy_of(as_at)


def fy_note(fy: str, as_at: date) -> str | None:
    """The sentence saying how the FY and the as-at date differ (None when the as-at date is
    in the FY): a past year is shown at its end, a future one has not started."""
    first, end = fy_bounds(fy)
    if as_at > end:
        return (f"{fy} ended before the as-at date: its figures are at {fmt.day(end)}.")
    if as_at < first:
        return f"{fy} had not started by the as-at date ({fmt.day(as_at)}): no figures yet."
    return None


def filters() -> Filters:
    """The filter values a page should use: the sidebar's, else the defaults."""
    _page_gate()
    default = _defaults()
    group = st.session_state.get("service_group")
    return Filters(
        fy=st.session_state.get("fy") or default.fy,
        service_group=None if group in (None, ALL_GROUPS) else group,
        as_at=st.session_state.get("as_at") or default.as_at,
    )


# --- sign-in and roles -------------------------------------------------------------------

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def auth_enabled() -> bool:
    """True when ``.streamlit/secrets.toml`` configures sign-in (an ``[auth]`` section)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


@st.cache_data(max_entries=8, show_spinner=False)
def _load_access(path: str, mtime_ns: int) -> access.AccessConfig:
    return access.load_config(Path(path))


def _access_config() -> access.AccessConfig:
    """The roles file in force, re-read when it (or PMO_ACCESS_FILE) changes."""
    path = access.config_path()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        mtime = 0
    return _load_access(str(path.resolve()), mtime)


def current_role() -> str | None:
    """The signed-in user's role; with sign-in off (local mode) the local user is admin."""
    if not auth_enabled():
        return "admin"
    if not st.user.get("is_logged_in"):
        return None
    return access.role_for(str(st.user.get("email") or ""), _access_config())


def can(needed: str) -> bool:
    """True if the current user's role is at least ``needed`` (viewer, importer, admin)."""
    if needed == "sql":
        needed = _access_config().sql_role
    return access.allows(current_role(), needed)


def sign_in_gate() -> str:
    """Stop the run unless the user may see the app; returns the role.

    Sign-in off: a sidebar notice says so, and the app refuses to serve if the server
    listens on anything but the loopback address. Sign-in on: unsigned users see a sign-in
    button; signed-in users without a role see why and a sign-out button.
    """
    if not auth_enabled():
        address = str(st.get_option("server.address") or "")
        if address not in LOOPBACK:
            st.error("Sign-in is off, so this app only serves its own machine: set "
                     "`server.address = \"127.0.0.1\"` or configure sign-in (see README).")
            st.stop()
        st.sidebar.caption("Sign-in is off (local mode): only this computer can open the app.")
        return "admin"
    if not st.user.get("is_logged_in"):
        _leave_legacy_pages_mode()  # else a fresh server lists pages/ to a signed-out user
        st.title("PMO dashboard")
        st.write("Sign in with your organisation account to continue.")
        if st.button("Sign in", type="primary"):
            st.login()
        st.stop()
    role = current_role()
    if role is None:
        _leave_legacy_pages_mode()  # no page list for a user with no access either
        st.error(f"{md(st.user.get('email'))} has no access to this dashboard. Ask the PMO to add "
                 "you to the access list.")
        if st.button("Sign out"):
            st.logout()
        st.stop()
    with st.sidebar:
        st.caption(f"Signed in as {md(st.user.get('email'))} ({role}).")
        if st.button("Sign out", key="sign_out"):
            st.logout()
    return role


def _page_gate() -> None:
    """What every page's first helper call does (``require_db``, ``filters``,
    ``page_header``): leave Streamlit's legacy pages mode, then stop a user who may not see
    dashboards at all. ``dashboard.py`` gates the app too; this check is the page's own, so a
    page reached any other way (run on its own, a future routing change) still shows nothing
    to a signed-out or unlisted user."""
    _leave_legacy_pages_mode()
    require_role("viewer")


def require_role(needed: str) -> None:
    """Stop a page the current user may not use (pages also run on their own)."""
    if not can(needed):
        st.error("You do not have access to this page.")
        st.stop()


def require_page(key: str) -> None:
    """Stop page ``key`` (its file stem) for a user below the role the page registry gives
    it (``pmo_data.pages``): the same rule the navigation lists it by."""
    require_role(pages.by_key(key).role)


# --- rendering helpers ------------------------------------------------------------------

#: CSS for what Streamlit's theme cannot set (docs/accessibility.md): captions in NHS dark grey
#: (Streamlit draws them in its text colour at 60% opacity: 3.9:1 on white, below AA 4.5:1);
#: the date input's day/month/year segments at least 24 px square (WCAG 2.5.8 target size).
ACCESSIBILITY_CSS = (
    "<style>"
    "[data-testid='stCaptionContainer'],[data-testid='stCaptionContainer'] p"
    f"{{color:{CAPTION_TEXT};opacity:1}}"
    "[data-testid='stDateInput'] [role='spinbutton']{display:inline-flex;align-items:center;"
    "justify-content:center;min-width:24px;min-height:24px}"
    "</style>"
)


def accessibility_css() -> None:
    """Add ``ACCESSIBILITY_CSS`` to the page (dashboard.py, once per run; takes no space)."""
    st.html(ACCESSIBILITY_CSS)



def page_header(title: str, caption: str | None = None) -> None:
    """The page title with an optional one-line caption."""
    _page_gate()
    st.title(title)
    if caption:
        st.caption(caption)


def freshness_line(parts: dict[str, date | None]) -> None:
    """One caption saying how fresh each source behind a page is (``pmo_data.freshness``:
    keys are source names or short names); missing shown as missing."""
    st.caption(md(freshness.line(parts)))


#: RAG-integrity settings: (label, help) per ``rag_integrity`` keyword.
_INTEGRITY_INPUTS: dict[str, tuple[str, str]] = {
    "forecast_end_days": ("Forecast end late (days)", "Flag a forecast end more than this many "
                          "days past the planned (baseline) end."),
    "milestone_overdue_days": ("Milestone overdue (days)", "Flag an open milestone forecast "
                               "or overdue more than this many days past its baseline date."),
    "report_max_age_days": ("Report age (days)", "Flag a latest report more than this many "
                            "days old (31 matches highlight report compliance)."),
    "very_high_risks_allowed": ("Very high risks allowed", "Flag more than this many open "
                                "very high risks (0: any)."),
}


def integrity_settings(keys: dict[str, str]) -> dict[str, int]:
    """Four number inputs in a row, one per RAG-integrity rule (``keys``: the widget key of
    each ``rag_integrity`` keyword), starting at ``governance.INTEGRITY_DEFAULTS``; returns
    the keyword arguments for ``rag_integrity``."""
    from pmo_data.governance import INTEGRITY_DEFAULTS

    out: dict[str, int] = {}
    for column, (name, (label, text)) in zip(st.columns(4), _INTEGRITY_INPUTS.items(),
                                             strict=True):
        out[name] = int(column.number_input(label, min_value=0, max_value=3650,
                                            value=INTEGRITY_DEFAULTS[name], step=1,
                                            key=keys[name], help=text))
    return out


def user_email() -> str | None:
    """The signed-in user's e-mail when sign-in is configured, else None."""
    try:
        if st.user.get("is_logged_in"):
            return str(st.user.get("email") or "") or None
    except Exception:  # st.user unavailable outside a server session
        return None
    return None
