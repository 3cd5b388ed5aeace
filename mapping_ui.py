"""The Import page's mapping step: turn an export the contract does not recognise into a
source, save the mapping as a profile, and manage saved profiles.

Kept apart from the page script so the page stays a table of contents (three calls:
``upload_preview``, ``mapping_step``, ``profiles_section``) and from ``ui`` (which every
page loads). The engine is ``pmo_data.mapping`` (proposals) and ``pmo_data.profiles``
(applying, saving); this module only draws widgets and keeps the user's choices in
``st.session_state`` under keys starting ``map:``.

How a choice reaches the import: the widgets of a sheet's mapping step make a draft
profile; once every required column is filled, the draft maps that sheet in the preview
and in the load (``MappingOptions.drafts``), so what the user sees is exactly what loads.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import streamlit as st

import ui
from pmo_data import mapping, profiles
from pmo_data.schema import SOURCES
from pmo_data.text import md

if TYPE_CHECKING:
    from pmo_data import ingest
    from pmo_data.readers import RawSheet

Files = tuple[tuple[str, bytes], ...]
NOT_MAPPED = "(not mapped)"
FIXED = profiles.FIXED_LABEL
LEAVE = "(leave: row error)"
BLANK = "(blank)"
PREVIEW_ROWS = 20


def _key(file: str, sheet: str, *parts: str) -> str:
    digest = hashlib.sha1(f"{file}\0{sheet}".encode()).hexdigest()[:10]
    return ":".join(("map", digest, *parts))


def _version() -> tuple[str, int]:
    """The database name and current version: the cache key of everything that reads it."""
    ref = ui.current_db()
    return str(ui.db_path()), (ref.version if ref else 0)


@st.cache_data(max_entries=16, show_spinner="Validating")
def _validate(files: Files, version: tuple[str, int], drafts: tuple[tuple[str, str, str], ...],
              settings: tuple[tuple[str, str], ...]) -> ingest.ImportReport:
    """The dry-run report with saved and built-in profiles, plus the drafts (TOML text)."""
    from pmo_data import ingest

    options = _options(drafts, settings)
    return ingest.import_isolated(list(files), ui.db_path(), dry_run=True, mapping=options)


@st.cache_data(max_entries=16, show_spinner=False)
def _sheet_preview(files: Files, version: tuple[str, int], draft: tuple[str, str, str],
                   settings: tuple[tuple[str, str], ...]) -> tuple[list[dict[str, Any]],
                                                                  list[str]]:
    """The rows of one sheet exactly as the draft would load them (first rows), and every
    row error of that sheet as ``file:sheet:row:column: message (value)``."""
    from pmo_data import ingest

    file, sheet, _ = draft
    data = [(n, b) for n, b in files if n == file]
    batch = ingest.validate_files(data, mapping=_options((draft,), settings))
    rows = [r for rows in batch.rows.values() for r in rows
            if r["source_file"] == file and r["source_sheet"] == sheet]
    target = profiles.profile_from_toml(draft[2]).targets[0]
    keep = [c for c in SOURCES[target.source].column_names if c in target.filled()
            or c in dict(settings)]
    shown = [{"Row": r["source_row"], **{c: r.get(c) for c in keep}}
             for r in rows[:PREVIEW_ROWS]]
    problems = [p.line() for p in batch.problems if p.file == file and p.sheet == sheet]
    return shown, problems


def _options(drafts: Sequence[tuple[str, str, str]], settings: Sequence[tuple[str, str]]
             ) -> profiles.MappingOptions:
    parsed = {(f, s): profiles.profile_from_toml(t) for f, s, t in drafts}
    return profiles.MappingOptions(_all_profiles(_version()), None, dict(settings), parsed)


@st.cache_data(max_entries=4, show_spinner=False)
def _all_profiles(version: tuple[str, int]) -> tuple[profiles.Profile, ...]:
    """Saved (in this database version) and built-in profiles."""
    return profiles.all_profiles(ui.db_path())


@st.cache_data(max_entries=16, show_spinner=False)
def _raw_sheets(name: str, data: bytes) -> list[RawSheet]:
    from pmo_data.readers import ReadError, read_bytes

    try:
        return read_bytes(data, name)
    except ReadError:
        return []


@st.cache_data(max_entries=32, show_spinner=False)
def _proposal(name: str, data: bytes, sheet: str) -> mapping.Proposal | None:
    found = next((s for s in _raw_sheets(name, data) if s.sheet == sheet), None)
    return None if found is None else mapping.propose(found)


# --- drafts from the widgets' state --------------------------------------------------------


def _settings() -> tuple[tuple[str, str], ...]:
    state = st.session_state
    return tuple(sorted((k.removeprefix("map:set:"), str(v)) for k, v in state.items()
                        if str(k).startswith("map:set:") and str(v).strip()))


def _choice(file: str, sheet: str, column: str, default: str | None) -> str:
    return st.session_state.get(_key(file, sheet, "col", column), default or NOT_MAPPED)


def _target(data: bytes, file: str, sheet: str, proposal: mapping.Proposal, source: str
            ) -> profiles.Target:
    """The target the widgets describe now (before they are drawn: the proposal)."""
    choices = {c.column: c.header for c in proposal.for_source(source).choices}
    columns: dict[str, str | None] = {}
    constants: dict[str, str] = {}
    values: dict[str, dict[str, str]] = {}
    raw = next(s for s in _raw_sheets(file, data) if s.sheet == sheet)
    for column in SOURCES[source].column_names:
        picked = _choice(file, sheet, column, choices.get(column))
        if picked == FIXED:
            constants[column] = st.session_state.get(_key(file, sheet, "fixed", column), "")
        elif picked != NOT_MAPPED:
            columns[column] = picked
            vocab = mapping.vocab_column(source, column)
            if vocab is not None:
                table = {}
                for unknown in mapping.unknown_values(raw, proposal.header_row, picked, vocab):
                    chosen = st.session_state.get(
                        _key(file, sheet, "val", column, unknown.value),
                        unknown.suggestion or LEAVE)
                    if chosen == BLANK:
                        table[unknown.value] = ""
                    elif chosen != LEAVE:
                        table[unknown.value] = chosen
                values[column] = table
    replace = "project" if st.session_state.get(_key(file, sheet, "per_project")) else "source"
    return mapping.draft_target(source, columns, constants, values, replace)


def _draft(data: bytes, file: str, sheet: str, proposal: mapping.Proposal) -> profiles.Profile:
    source = st.session_state.get(_key(file, sheet, "source"), proposal.sources[0].source)
    name = st.session_state.get(_key(file, sheet, "name"), "") or "from this page (not saved)"
    return mapping.draft_profile(name, proposal,
                                 [_target(data, file, sheet, proposal, source)])


def _needs_mapping(report: ingest.ImportReport) -> list[tuple[str, str]]:
    from pmo_data.project_files import is_project_file

    return [(s.file, s.sheet) for s in report.sheets
            if s.source is None and s.sheet != "-" and not is_project_file(s.file)
            and s.message not in ("the sheet is empty", "template guide (not imported)")]


# --- what the page calls ------------------------------------------------------------------


def upload_preview(files: Files) -> tuple[ingest.ImportReport, profiles.MappingOptions]:
    """Validate the uploads with every profile and the user's complete drafts; returns the
    report to show and the mapping the load must use."""
    by_name = dict(files)
    version, settings = _version(), _settings()
    plain = _validate(files, version, (), settings)
    drafts = []
    for file, sheet in _needs_mapping(plain):
        proposal = _proposal(file, by_name[file], sheet)
        if proposal is None or not proposal.columns:
            continue
        draft = _draft(by_name[file], file, sheet, proposal)
        if not draft.targets[0].unmapped_required():
            drafts.append((file, sheet, profiles.profile_to_toml(draft)))
    st.session_state["map:needs"] = _needs_mapping(plain)
    st.session_state["map:values_needed"] = _values_needed(plain)
    report = _validate(files, version, tuple(drafts), settings) if drafts else plain
    return report, _options(drafts, settings)


def mapping_step(files: Files) -> None:
    """For each uploaded sheet no source or profile fits: the proposal to confirm or
    change, unknown values to map, the rows as they would load, and saving as a profile."""
    for file, sheet in st.session_state.get("map:needs", []):
        proposal = _proposal(file, dict(files)[file], sheet)
        if proposal is None or not proposal.columns:
            continue
        with st.container(border=True):
            _one_sheet(files, file, sheet, proposal)
    _settings_inputs(st.session_state.get("map:values_needed", []))


def _one_sheet(files: Files, file: str, sheet: str, proposal: mapping.Proposal) -> None:
    data = dict(files)[file]
    st.subheader(f"Map {md(file)} : {md(sheet)}")
    likely = ", ".join(f"{SOURCES[p.source].title} ({p.score:.0%})" for p in proposal.sources)
    st.caption(f"No source recognises these columns. Likely: {likely}. Choose the file "
               "column for each contract column (* = required), then check the rows below.")
    names = [p.source for p in proposal.sources] + [
        s for s in SOURCES if s not in {p.source for p in proposal.sources}]
    source = st.selectbox("Source", names, key=_key(file, sheet, "source"),
                          format_func=lambda s: SOURCES[s].title)
    choices = {c.column: c.header for c in proposal.for_source(source).choices}
    options = [NOT_MAPPED, FIXED, *proposal.headers]
    grid = st.columns(2)
    for number, column in enumerate(SOURCES[source].columns):
        default = choices.get(column.name) or NOT_MAPPED
        key = _key(file, sheet, "col", column.name)
        if st.session_state.get(key) not in options:
            st.session_state[key] = default
        with grid[number % 2]:
            picked = st.selectbox(f"{column.name}{' *' if column.required else ''}", options,
                                  key=key, help=column.description)
            if picked == FIXED:
                st.text_input(f"Value of {column.name} for every row",
                              key=_key(file, sheet, "fixed", column.name))
    if "project_id" in SOURCES[source].column_names:
        st.checkbox("Replace only the projects in this file (one plan or schedule per file)",
                    key=_key(file, sheet, "per_project"))
    _vocabulary_inputs(data, file, sheet, proposal, source,
                       _target(data, file, sheet, proposal, source))
    draft = _draft(data, file, sheet, proposal)
    missing = draft.targets[0].unmapped_required()
    if missing:
        st.warning(f"Required columns not mapped: {md(', '.join(missing))}. Map them (or give a "
                   "fixed value) to preview, load or save.")
    else:
        rows, problems = _sheet_preview(files, _version(), (file, sheet,
                                        profiles.profile_to_toml(draft)), _settings())
        st.markdown(f"**Rows as they would load** (first {min(len(rows), PREVIEW_ROWS)})")
        ui.table(rows)
        if problems:
            st.warning(f"{len(problems)} row error{'s' if len(problems) > 1 else ''}: "
                       "these rows will not load.")
            ui.table([{"Row error": line} for line in problems])
        else:
            st.success("Every row of this sheet is valid with this mapping.")
    name = st.text_input("Profile name", key=_key(file, sheet, "name"),
                         placeholder="e.g. Finance tracker export")
    if st.button("Save profile", key=_key(file, sheet, "save"), disabled=bool(missing)):
        try:
            version = profiles.save_profile(ui.db_path(), draft, saved_by=ui.user_email())
        except profiles.ProfileError as exc:
            st.error(md(exc))
        else:
            ui.clear_caches()
            _all_profiles.clear()
            st.session_state["map:saved"] = (f"Saved profile {draft.name} (version {version}): "
                                             "files with these headers are now mapped by it.")
            st.rerun()
    if not name.strip():
        st.caption("Name the profile to save it; the next file with the same headers is then "
                   "mapped by it automatically.")


def _vocabulary_inputs(data: bytes, file: str, sheet: str, proposal: mapping.Proposal,
                       source: str, target: profiles.Target) -> None:
    raw = next(s for s in _raw_sheets(file, data) if s.sheet == sheet)
    for column, (header,) in target.columns.items():
        vocab = mapping.vocab_column(source, column)
        if vocab is None:
            continue
        unknown = mapping.unknown_values(raw, proposal.header_row, header, vocab)
        if not unknown:
            continue
        st.markdown(f"**Values of {md(header)} the contract does not know** ({md(column)})")
        grid = st.columns(3)
        for number, item in enumerate(unknown[:30]):
            options = [LEAVE, BLANK, *vocab.values]
            key = _key(file, sheet, "val", column, item.value)
            if st.session_state.get(key) not in options:
                st.session_state[key] = item.suggestion or LEAVE
            grid[number % 3].selectbox(f"{item.value} ({item.count} rows)", options, key=key)


def _values_needed(report: ingest.ImportReport) -> list[tuple[str, str]]:
    """(profile, column) of required columns a profile that fits an upload's headers
    cannot find in the file (e.g. the date GMPP data is as at)."""
    every = {p.name: p for p in _all_profiles(_version())}
    needed = []
    for s in report.sheets:
        profile = every.get(s.profile or "")
        if s.source is None and profile is not None:
            needed += [(profile.name, c) for t in profile.targets
                       for c in t.unmapped_required()]
    return sorted(set(needed))


def _settings_inputs(needed: Sequence[tuple[str, str]]) -> None:
    """Inputs for the values a fitting profile needs and the file does not hold, applied
    to every mapped row like ``--set`` on the command line."""
    for profile, column in needed:
        spec = next(s.column(column) for s in SOURCES.values() if column in s.column_names)
        st.text_input(f"{column} for the rows mapped by {profile}", key=f"map:set:{column}",
                      help=f"{spec.description} Not in the file: given to every row, like "
                           f"--set {column}=... on the command line.",
                      placeholder="dd/mm/yyyy" if spec.kind == "date" else "")


def saved_message() -> None:
    """Show (once) the confirmation of a profile saved before the last rerun."""
    message = st.session_state.pop("map:saved", None)
    if message:
        st.success(md(message))


def profiles_section() -> None:
    """Saved and built-in profiles: export one as TOML, import a TOML file."""
    every = _all_profiles(_version())
    ui.table([{"Profile": p.name, "Sources": ", ".join(t.source for t in p.targets),
               "Kind": "built-in" if p.builtin else "saved",
               "Saved by": p.saved_by or ""} for p in every])
    left, right = st.columns(2)
    with left:
        chosen = st.selectbox("Export a profile", [p.name for p in every],
                              key="map:export_name")
        profile = next(p for p in every if p.name == chosen)
        st.download_button("Download TOML", profiles.profile_to_toml(profile),
                            file_name=f"{chosen}.toml", mime="application/toml",
                            key="map:export")
    with right:
        if not st.toggle("Import a profile from a TOML file", key="map:import_open"):
            return
        upload = st.file_uploader("Profile (.toml)", type=["toml"], key="map:import_file")
        if upload is not None and st.button("Save imported profile", key="map:import"):
            try:
                profile = profiles.profile_from_toml(upload.getvalue().decode("utf-8"))
                version = profiles.save_profile(ui.db_path(), profile,
                                                saved_by=ui.user_email())
            except (profiles.ProfileError, UnicodeDecodeError) as exc:
                st.error(f"{md(upload.name)}: {md(exc)}")
            else:
                ui.clear_caches()
                _all_profiles.clear()
                st.success(f"Saved profile {md(profile.name)} (version {version}).")
