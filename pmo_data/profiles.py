"""Import profiles: how the columns of an export nobody designed for us become a source.

The contract recognises a sheet by its headers (``recognise``). Exports of other tools
(Planner, Smartsheet, the GMPP data, a trust's own trackers) use headers of their own, so
a *profile* says, for one or more sources, which file column fills each contract column,
which value a column takes when the file lacks it (a fixed value, or a "label | value"
row above the table, such as Planner's "Plan name"), how unknown vocabulary maps to the
contract's ("Yellow" -> Amber), and which money columns are in millions.

Applying a profile turns the sheet into ordinary ``Recognised`` sheets, so mapped rows go
through exactly the validation, error report (``file:sheet:row:column: message (value)``
with the file's own headers and row numbers) and load of any other import.

Profiles are saved in the database (table ``saved_settings``, kind ``import_profile``, the
value being the profile's TOML text) through the versioned store, so they survive and roll
back with the data, and can be exported and imported as TOML files. A saved profile is
applied automatically to a later file with the same set of headers; a built-in profile
(``builtin_profiles``) to a file whose headers carry its signature.
"""

from __future__ import annotations

import getpass
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pmo_data.parse import is_blank, parse_number, parse_text
from pmo_data.readers import RawSheet
from pmo_data.recognise import HEADER_SEARCH_ROWS, Recognised, Unrecognised
from pmo_data.schema import SOURCES, VOCABULARIES, normalise_header
from pmo_data.store import Store

SETTINGS_KIND = "import_profile"
NAME_MAX = 60
#: How the display header of a column filled from outside the table reads in error lines.
FIXED_LABEL = "(fixed value)"
Replace = Literal["source", "project"]
_LONG_PAREN = re.compile(r"\s*\(([^()]{20,})\)\s*$")
_RANGE = re.compile(r"^\D{0,4}\d[\d.,]*\s*[a-z]{0,2}\s*(?:-|–|—|to)"
                    r"\s*\D{0,4}\d[\d.,]*\s*[a-z]{0,2}$", re.IGNORECASE)


class ProfileError(ValueError):
    """A profile that cannot be read, saved or found; the message is one plain sentence."""


def header_label(cell: object) -> str:
    """The short label of a header cell, as a person would name the column.

    Exports such as the GMPP data pack a label and its definition into one cell, either on
    a second line ("Whole Life Cost (£m)\\nThe total cost ...") or in a long trailing
    parenthesis ("IPA Delivery Confidence Assessment (A Delivery Confidence ...)"): the
    label is the first non-blank line without such a parenthesis, spaces folded, trimmed.
    Short parentheses such as "(£m)" stay.
    """
    if is_blank(cell):
        return ""
    text = str(cell)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    label = " ".join((lines[0] if lines else "").split())
    while True:
        shorter = _LONG_PAREN.sub("", label)
        if shorter == label or not shorter:
            return label
        label = shorter


def header_key(cell: object) -> str:
    """The comparable key of a header cell: its ``header_label`` folded by
    ``normalise_header`` (so a trailing space or a line-break definition never matters)."""
    return normalise_header(header_label(cell))


@dataclass(frozen=True)
class Target:
    """What a profile makes of a sheet for one source.

    ``columns``: contract column -> file headers that may hold it (first found wins).
    ``above``: contract column -> labels of "label | value" rows above the table.
    ``constants``: contract column -> the value every row takes.
    ``values``: contract column -> {file value: contract value}; "" means blank.
    ``scale``: contract column -> multiplier of numbers (1e6 for "£m" columns); a range
    such as "£10m - £20m" in such a column is left blank and counted in the report.
    ``replace``: "source" replaces the whole source on import (the usual rule); "project"
    replaces only the rows of the projects the file holds (one plan or schedule per file).
    """

    source: str
    columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    above: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    constants: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    scale: Mapping[str, float] = field(default_factory=dict)
    replace: Replace = "source"

    def filled(self) -> set[str]:
        """Contract columns this target gives a value to (from any of its means)."""
        return set(self.columns) | set(self.above) | {
            c for c, v in self.constants.items() if str(v).strip()}

    def unmapped_required(self, settings: Mapping[str, str] | None = None) -> list[str]:
        """Required columns of the source that nothing fills (in contract order)."""
        given = self.filled() | {c for c, v in (settings or {}).items() if str(v).strip()}
        return [c for c in SOURCES[self.source].required if c not in given]


@dataclass(frozen=True)
class Profile:
    """A named mapping of one kind of export onto one or more sources.

    ``headers``: the header labels of the file it was saved from; a saved profile is
    applied automatically to a file with the same set. ``signature``: for built-in
    profiles, groups of alternative headers that must each be present for it to apply
    automatically. ``no_rows``: what to say when the table has no data rows.
    """

    name: str
    targets: tuple[Target, ...]
    description: str = ""
    headers: tuple[str, ...] = ()
    signature: tuple[tuple[str, ...], ...] = ()
    no_rows: str = ""
    builtin: bool = False
    saved_by: str | None = None
    saved_at: datetime | None = None

    def header_set(self) -> frozenset[str]:
        """The folded header set the profile was saved from."""
        return frozenset(k for k in (header_key(h) for h in self.headers) if k)

    def mapped_headers(self) -> list[str]:
        """Every file header the profile reads, once each, in target order."""
        seen: dict[str, None] = {}
        for target in self.targets:
            for alternatives in target.columns.values():
                seen.setdefault(alternatives[0], None)
        return list(seen)


@dataclass(frozen=True)
class MappingOptions:
    """How an import maps sheets the contract does not recognise.

    ``profiles``: saved and built-in profiles, tried in order. ``force``: the name of a
    profile to apply to every sheet it fits (``import --profile NAME``). ``settings``:
    contract column -> value given by the user for every mapped row (``--set``), winning
    over the file. ``drafts``: (file, sheet) -> a profile being built on the Import page.
    """

    profiles: tuple[Profile, ...] = ()
    force: str | None = None
    settings: Mapping[str, str] = field(default_factory=dict)
    drafts: Mapping[tuple[str, str], Profile] = field(default_factory=dict)

    def find(self, name: str) -> Profile:
        """The profile called ``name`` (case-insensitive); ProfileError listing the known."""
        for profile in self.profiles:
            if profile.name.casefold() == name.strip().casefold():
                return profile
        known = ", ".join(p.name for p in self.profiles) or "none"
        raise ProfileError(f"no profile called {name!r} (known: {known})")


@dataclass(frozen=True)
class Resolution:
    """What mapping made of one sheet (or one project file).

    ``recognised``: one ``Recognised`` per target, with the replace rule of each.
    ``problem``: why nothing could be mapped (one line), else None. ``notes``: sentences
    for the import report (which optional columns were missing); ``source_notes``: those
    about one source's rows only (cells left blank).
    """

    recognised: tuple[tuple[Recognised, Replace], ...] = ()
    profile: str | None = None
    problem: str | None = None
    notes: tuple[str, ...] = ()
    no_rows: str = ""
    source_notes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def message(self, source: str | None = None) -> str:
        """The report's message for a sheet's rows of ``source``: the profile used and
        the notes."""
        head = f"profile {self.profile}" if self.profile else ""
        own = self.source_notes.get(source or "", ())
        return "; ".join(p for p in (head, *self.notes, *own) if p)


# --- applying a profile -----------------------------------------------------------------


def _header_index(row: Sequence[Any]) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, cell in enumerate(row):
        key = header_key(cell)
        if key and key not in index:
            index[key] = i
    return index


def _above_values(rows: Sequence[Sequence[Any]], header_row: int) -> dict[str, Any]:
    """"label | value" pairs from the rows above the header (first cell label, next value)."""
    found: dict[str, Any] = {}
    for row in rows[:header_row]:
        filled = [c for c in row if not is_blank(c)]
        if len(filled) >= 2 and isinstance(filled[0], str):
            found.setdefault(header_key(filled[0]), filled[1])
    return found


def _locate(target: Target, index: Mapping[str, int]) -> tuple[dict[str, int], list[str]]:
    """File column of each mapped contract column, and the headers not found."""
    where: dict[str, int] = {}
    missing: list[str] = []
    for column, alternatives in target.columns.items():
        hit = next((index[k] for k in (header_key(a) for a in alternatives) if k in index), None)
        if hit is None:
            missing.append(alternatives[0])
        else:
            where[column] = hit
    return where, missing


def _fit(profile: Profile, sheet: RawSheet, settings: Mapping[str, str]
         ) -> tuple[int, list[dict[str, int]], list[str]] | list[str]:
    """The header row and file columns of each target, or the reasons the profile does
    not fit (headers of required columns missing, required columns with no value)."""
    best: list[str] | None = None
    for row_index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        index = _header_index(row)
        if len(index) < 2:
            continue
        above = _above_values(sheet.rows, row_index)
        located: list[dict[str, int]] = []
        problems: list[str] = []
        optional_missing: list[str] = []
        for target in profile.targets:
            where, missing = _locate(target, index)
            located.append(where)
            required = set(SOURCES[target.source].required)
            for column, alternatives in target.columns.items():
                if column in where or alternatives[0] not in missing:
                    continue
                has_fallback = (column in settings or column in target.constants
                                or any(header_key(a) in above
                                       for a in target.above.get(column, ())))
                if column in required and not has_fallback:
                    problems.append(f"missing column {' or '.join(alternatives)}")
                elif column not in required:
                    optional_missing.append(alternatives[0])
            for column in target.unmapped_required(settings):
                problems.append(f"{column} has no value (give it with --set {column}=... or "
                                "on the Import page)")
            for column, labels in target.above.items():
                if (column in required and column not in where and column not in settings
                        and column not in target.constants
                        and not any(header_key(a) in above for a in labels)):
                    problems.append(f"missing the {' or '.join(labels)} row above the table")
        problems = list(dict.fromkeys(problems))
        if not problems:
            return row_index, located, sorted(set(optional_missing))
        if best is None or len(problems) < len(best):
            best = problems
    return best or ["no header row found"]


def _folded_values(mapping: Mapping[str, str]) -> dict[str, str]:
    return {normalise_header(k): v for k, v in mapping.items()}


def _scaled(value: Any, factor: float) -> tuple[Any, bool]:
    """A number multiplied by ``factor``; (None, True) for a range such as "£10m-£20m"."""
    if is_blank(value):
        return None, False
    if isinstance(value, str) and _RANGE.match(value.strip()):
        return None, True
    try:
        number = parse_number(value)
    except ValueError:
        return value, False  # left for validation to report
    return (None if number is None else round(number * factor, 6)), False


def _map_target(sheet: RawSheet, header_row: int, target: Target, where: Mapping[str, int],
                settings: Mapping[str, str], data: list[tuple[int, list[Any]]]
                ) -> tuple[Recognised, list[str]]:
    """A ``Recognised`` whose sheet holds the target's contract columns, row for row."""
    above = _above_values(sheet.rows, header_row)
    header = sheet.rows[header_row]
    order = [c.name for c in SOURCES[target.source].columns]
    fixed: dict[str, Any] = {}
    columns: dict[str, tuple[int, str]] = {}
    for column in order:
        labels = [a for a in target.above.get(column, ()) if header_key(a) in above]
        if column in settings and str(settings[column]).strip():
            fixed[column], display = settings[column], f"{column} {FIXED_LABEL}"
        elif column in where:
            display = header_label(header[where[column]])
        elif labels:
            fixed[column], display = above[header_key(labels[0])], labels[0]
        elif column in target.constants and str(target.constants[column]).strip():
            fixed[column], display = target.constants[column], f"{column} {FIXED_LABEL}"
        else:
            continue
        columns[column] = (len(columns), display)
    values = {c: _folded_values(v) for c, v in target.values.items()}
    rows: list[list[Any]] = [[] for _ in range(len(sheet.rows))]
    rows[header_row] = list(columns)
    errors: dict[tuple[int, int], str] = {}
    ranges: Counter[str] = Counter()
    for rownum, cells in data:
        out: list[Any] = []
        for column, (new_index, _) in columns.items():
            if column in fixed:
                value: Any = fixed[column]
            else:
                old = where[column]
                value = cells[old] if old < len(cells) else None
                if (rownum - 1, old) in sheet.errors:
                    errors[(rownum - 1, new_index)] = sheet.errors[(rownum - 1, old)]
            if column in values and not is_blank(value):
                key = normalise_header(parse_text(value))
                if key in values[column]:
                    value = values[column][key] or None
            if column in target.scale:
                value, was_range = _scaled(value, target.scale[column])
                if was_range:
                    ranges[columns[column][1]] += 1
            out.append(value)
        rows[rownum - 1] = out
    used = {where[c] for c in columns if c in where and c not in fixed}
    extra = tuple(str(i) for i in used)  # file columns read; apply_profile lists the rest
    mapped = RawSheet(file=sheet.file, sheet=sheet.sheet, rows=rows, errors=errors)
    notes = [f"{n} {header} cell{'s' if n > 1 else ''} held a range, not a figure, and "
             f"{'are' if n > 1 else 'is'} left blank" for header, n in ranges.items()]
    return Recognised(mapped, SOURCES[target.source], header_row, columns, extra), notes


def apply_profile(profile: Profile, sheet: RawSheet,
                  settings: Mapping[str, str] | None = None) -> Resolution:
    """Map a sheet with a profile: one ``Recognised`` per target, or a problem saying
    which columns are missing. Rows keep their spreadsheet numbers; blank and Total rows
    are skipped as for any sheet."""
    settings = dict(settings or {})
    fit = _fit(profile, sheet, settings)
    if isinstance(fit, list):
        return Resolution(profile=profile.name,
                          problem=f"profile {profile.name} does not fit: {'; '.join(fit)}")
    header_row, located, optional_missing = fit
    probe = Recognised(sheet, SOURCES[profile.targets[0].source], header_row, {}, ())
    data = probe.data_rows()
    recognised: list[tuple[Recognised, Replace]] = []
    notes: list[str] = []
    used: set[int] = set()
    source_notes: dict[str, tuple[str, ...]] = {}
    for target, where in zip(profile.targets, located, strict=True):
        rec, target_notes = _map_target(sheet, header_row, target, where, settings, data)
        recognised.append((rec, target.replace))
        used.update(int(i) for i in rec.extra)
        source_notes[target.source] = tuple(target_notes)
    header = sheet.rows[header_row]
    unused = tuple(header_label(c) for i, c in enumerate(header)
                   if i not in used and header_label(c))
    recognised = [(replace(rec, extra=unused), mode) for rec, mode in recognised]
    if optional_missing:
        notes.insert(0, f"columns not in the file (left blank): {', '.join(optional_missing)}")
    return Resolution(tuple(recognised), profile.name, None, tuple(notes),
                      profile.no_rows if not data else "", source_notes)


def _header_sets(sheet: RawSheet) -> Iterable[frozenset[str]]:
    for row in sheet.rows[:HEADER_SEARCH_ROWS]:
        keys = frozenset(k for k in (header_key(c) for c in row) if k)
        if len(keys) >= 2:
            yield keys


def _signature_fits(profile: Profile, sheet: RawSheet) -> bool:
    wanted = [{header_key(a) for a in group} for group in profile.signature]
    return bool(wanted) and any(all(group & keys for group in wanted)
                                for keys in _header_sets(sheet))


def resolve(sheet: RawSheet, native: Recognised | Unrecognised,
            options: MappingOptions | None) -> Resolution | None:
    """The import's hook: how a sheet is mapped, or None to treat it as usual.

    In order: a draft of the Import page for this very sheet; the forced profile
    (``--profile``) where it fits (elsewhere a recognised sheet loads as usual and an
    unrecognised one reports why the profile does not fit); for a sheet the contract
    does not recognise, a saved profile with the same header set, then a built-in
    profile whose signature the headers carry. A sheet nothing fits is left as it was.
    """
    if options is None or (isinstance(native, Unrecognised) and native.skipped):
        return None
    draft = options.drafts.get((sheet.file, sheet.sheet))
    if draft is not None:
        return apply_profile(draft, sheet, options.settings)
    if options.force:
        result = apply_profile(options.find(options.force), sheet, options.settings)
        if result.problem is None or isinstance(native, Unrecognised):
            return result
        return None
    if isinstance(native, Recognised):
        return None
    sets = set(_header_sets(sheet))
    for profile in options.profiles:
        if not profile.builtin and profile.header_set() in sets:
            return apply_profile(profile, sheet, options.settings)
    for profile in options.profiles:
        if profile.builtin and _signature_fits(profile, sheet):
            return apply_profile(profile, sheet, options.settings)
    return None


# --- TOML -------------------------------------------------------------------------------


def _alternatives(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str) and value.strip():
        return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value):
        return tuple(value)
    raise ProfileError(f"{where}: give a header text or a list of them")


def _check_column(source: str, column: str, where: str) -> None:
    if column not in SOURCES[source].column_names:
        listed = ", ".join(SOURCES[source].column_names)
        raise ProfileError(f"{where}: {source} has no column {column!r} (columns: {listed})")


def _target_from(data: Mapping[str, Any], number: int) -> Target:
    where = f"target {number}"
    source = data.get("source")
    if source not in SOURCES:
        raise ProfileError(f"{where}: source must be one of {', '.join(SOURCES)} ({source!r})")
    columns = {}
    for column, value in dict(data.get("columns", {})).items():
        _check_column(source, column, where)
        columns[column] = _alternatives(value, f"{where}, column {column}")
    above = {}
    for column, value in dict(data.get("above", {})).items():
        _check_column(source, column, where)
        above[column] = _alternatives(value, f"{where}, above {column}")
    constants = {}
    for column, value in dict(data.get("constants", {})).items():
        _check_column(source, column, where)
        constants[column] = str(value)
    values: dict[str, dict[str, str]] = {}
    for column, table in dict(data.get("values", {})).items():
        _check_column(source, column, where)
        spec = SOURCES[source].column(column)
        allowed = set(VOCABULARIES[spec.vocab].values) if spec.vocab else None
        values[column] = {}
        for raw, canonical in dict(table).items():
            canonical = str(canonical)
            if allowed is not None and canonical and canonical not in allowed:
                raise ProfileError(f"{where}, values of {column}: {canonical!r} is not one of "
                                   f"{', '.join(sorted(allowed))}")
            values[column][str(raw)] = canonical
    scale = {}
    for column, factor in dict(data.get("scale", {})).items():
        _check_column(source, column, where)
        if not isinstance(factor, int | float) or isinstance(factor, bool) or factor <= 0:
            raise ProfileError(f"{where}, scale of {column}: give a positive number")
        scale[column] = float(factor)
    mode = data.get("replace", "source")
    if mode not in ("source", "project"):
        raise ProfileError(f"{where}: replace must be \"source\" or \"project\" ({mode!r})")
    if mode == "project" and "project_id" not in SOURCES[source].column_names:
        raise ProfileError(f"{where}: {source} has no project_id, so replace must be \"source\"")
    return Target(source, columns, above, constants, values, scale, mode)


def profile_from_dict(data: Mapping[str, Any], *, builtin: bool = False) -> Profile:
    """A profile from its TOML structure; ProfileError saying what is wrong."""
    name = " ".join(str(data.get("name", "")).split())
    if not name:
        raise ProfileError("the profile has no name")
    if len(name) > NAME_MAX:
        raise ProfileError(f"profile names are at most {NAME_MAX} characters")
    raw_targets = data.get("target")
    if not isinstance(raw_targets, list) or not raw_targets:
        raise ProfileError(f"profile {name}: it needs at least one [[target]] table")
    targets = tuple(_target_from(t, n) for n, t in enumerate(raw_targets, 1))
    headers = tuple(str(h) for h in data.get("headers", []))
    signature = tuple(_alternatives(g, f"profile {name}, signature") for g in
                      data.get("signature", []))
    return Profile(name, targets, str(data.get("description", "")), headers, signature,
                   str(data.get("no_rows", "")), builtin)


def profile_from_toml(text: str) -> Profile:
    """Parse a profile's TOML text; ProfileError for bad TOML or a bad profile."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"not a valid TOML file ({exc})") from None
    return profile_from_dict(data)


def _one_or_list(alternatives: tuple[str, ...]) -> str | list[str]:
    return alternatives[0] if len(alternatives) == 1 else list(alternatives)


def profile_to_dict(profile: Profile) -> dict[str, Any]:
    """The TOML structure of a profile (empty tables left out)."""
    out: dict[str, Any] = {"name": profile.name}
    if profile.description:
        out["description"] = profile.description
    if profile.headers:
        out["headers"] = list(profile.headers)
    if profile.signature:
        out["signature"] = [list(g) for g in profile.signature]
    if profile.no_rows:
        out["no_rows"] = profile.no_rows
    targets = []
    for t in profile.targets:
        item: dict[str, Any] = {"source": t.source, "replace": t.replace}
        for key, table in (("columns", {c: _one_or_list(v) for c, v in t.columns.items()}),
                           ("above", {c: _one_or_list(v) for c, v in t.above.items()}),
                           ("constants", dict(t.constants)),
                           ("values", {c: dict(v) for c, v in t.values.items() if v}),
                           ("scale", dict(t.scale))):
            if table:
                item[key] = table
        targets.append(item)
    out["target"] = targets
    return out


def profile_to_toml(profile: Profile) -> str:
    """The profile as TOML text (what ``profiles export`` writes)."""
    import tomli_w

    head = (f"# Import profile for the PMO dashboard: {profile.name}\n"
            "# columns: contract column = file header (or a list of alternatives)\n")
    return head + tomli_w.dumps(profile_to_dict(profile))


# --- saved profiles ---------------------------------------------------------------------


def saved_profiles(db_path: Path | str) -> list[Profile]:
    """Every profile saved in the current database version, newest first (none before the
    first import). A saved value that no longer parses is skipped."""
    from pmo_data.db import Database

    current = Store(db_path).current()
    if current is None:
        return []
    with Database(current.path, version=current.number) as db:
        rows = db.rows("SELECT value, saved_by, saved_at FROM saved_settings WHERE kind = ? "
                       "ORDER BY saved_at DESC, lower(name)", [SETTINGS_KIND])
    out = []
    for value, by, at in rows:
        try:
            out.append(replace(profile_from_toml(value), saved_by=by, saved_at=at))
        except ProfileError:
            continue
    return out


def all_profiles(db_path: Path | str) -> tuple[Profile, ...]:
    """Saved profiles (newest first), then the built-in ones."""
    from pmo_data.builtin_profiles import BUILTIN_PROFILES

    return (*saved_profiles(db_path), *BUILTIN_PROFILES)


def default_options(db_path: Path | str, *, force: str | None = None,
                    settings: Mapping[str, str] | None = None) -> MappingOptions:
    """The mapping an import uses: every saved and built-in profile."""
    return MappingOptions(all_profiles(db_path), force, dict(settings or {}))


def check_saveable(profile: Profile) -> None:
    """Raise ProfileError when a profile may not be saved: a blank or over-long name, or a
    required column of some target that nothing fills (named)."""
    name = " ".join(profile.name.split())
    if not name:
        raise ProfileError("give the profile a name")
    if len(name) > NAME_MAX:
        raise ProfileError(f"profile names are at most {NAME_MAX} characters")
    from pmo_data.builtin_profiles import BUILTIN_PROFILES

    if any(p.name.casefold() == name.casefold() for p in BUILTIN_PROFILES):
        raise ProfileError(f"{name} is a built-in profile; choose another name")
    for target in profile.targets:
        missing = target.unmapped_required()
        if missing:
            raise ProfileError(f"cannot save: required {target.source} columns not mapped: "
                               f"{', '.join(missing)}")


def save_profile(db_path: Path | str, profile: Profile, saved_by: str | None = None,
                 now: datetime | None = None) -> int:
    """Save (or replace) a profile by name through the versioned store; returns the new
    database version. ProfileError when ``check_saveable`` refuses it."""
    check_saveable(profile)
    profile = replace(profile, name=" ".join(profile.name.split()))
    text = profile_to_toml(profile)
    who = saved_by or _current_user()
    when = now or datetime.now().replace(microsecond=0)

    def change(con: Any) -> None:
        con.execute("DELETE FROM saved_settings WHERE kind = ? AND lower(name) = lower(?)",
                    [SETTINGS_KIND, profile.name])
        con.execute("INSERT INTO saved_settings VALUES (?, ?, ?, ?, ?)",
                    [SETTINGS_KIND, profile.name, text, who, when])

    version, _ = Store(db_path).write(change)
    return version.number


def delete_profile(db_path: Path | str, name: str) -> int:
    """Delete a saved profile by name (a new database version); ProfileError if none."""
    if not any(p.name.casefold() == name.strip().casefold() for p in saved_profiles(db_path)):
        raise ProfileError(f"no saved profile called {name!r}")
    version, _ = Store(db_path).write(lambda con: con.execute(
        "DELETE FROM saved_settings WHERE kind = ? AND lower(name) = lower(?)",
        [SETTINGS_KIND, name.strip()]))
    return version.number


def describe(profile: Profile) -> list[str]:
    """Lines describing a profile for ``profiles show``: each target's columns."""
    lines = [f"{profile.name}{' (built-in)' if profile.builtin else ''}"]
    if profile.description:
        lines.append(f"  {profile.description}")
    for t in profile.targets:
        scope = " (replaces only the file's projects)" if t.replace == "project" else ""
        lines.append(f"  -> {t.source}{scope}")
        for column in SOURCES[t.source].column_names:
            if column in t.columns:
                got = " or ".join(repr(h) for h in t.columns[column])
            elif column in t.above:
                got = "row above the table: " + " or ".join(repr(h) for h in t.above[column])
            elif column in t.constants:
                got = f"fixed value {t.constants[column]!r}"
            else:
                continue
            extra = f" x {t.scale[column]:,.0f}" if column in t.scale else ""
            lines.append(f"     {column:<20} <- {got}{extra}")
        for column, table in t.values.items():
            pairs = ", ".join(f"{k} -> {v or 'blank'}" for k, v in table.items())
            lines.append(f"     values of {column}: {pairs}")
    return lines


def _current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"
