"""Shared SQL fragments: the service-group filter, a financial year's bounds, bound parameters.

Why this module exists: every engine module filters by service group, cuts rows to a
financial year at an as-at date and runs DuckDB with named parameters. Those few pieces of
SQL used to be re-grown in each module (and edited as text in places, by string
replacement); here each is written once, as a small function returning a ``Part``: the SQL
text and the parameters it binds. Rules every function keeps:

* values are only ever bound (``$name`` placeholders), never written into the SQL text;
* identifiers (column names) come from the source registry (``pmo_data.schema.SOURCES``),
  optionally qualified by a table alias; anything else is a ``ValueError``;
* no SQL is assembled by editing text: a query is composed from fragments (``all_of``), and
  a fragment that does not apply (no service group chosen) is ``TRUE`` rather than text
  removed afterwards.

The service group of a row matches case-insensitively, ignoring spaces around it: the chosen
group and the column are both trimmed and lower-cased (``group_key``). A blank or missing
choice means every group.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any, NamedTuple

from pmo_data.parse import fy_bounds
from pmo_data.schema import SOURCES

__all__ = ["TRUE", "FyWindow", "Part", "Scope", "all_of", "any_group_or", "bind", "column",
           "fy_window", "group_key", "in_group", "project_in_group"]

_PLACEHOLDER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")
_COLUMNS: frozenset[str] = frozenset(c.name for s in SOURCES.values() for c in s.columns)


class Part(NamedTuple):
    """A piece of SQL and the parameters it binds (``sql``, ``params``): unpacks as a pair."""

    sql: str
    params: Mapping[str, Any]


#: The fragment of a condition that does not apply.
TRUE = Part("TRUE", {})


def bind(sql: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The entries of ``params`` that ``sql`` names as ``$name`` (DuckDB refuses a named
    parameter the statement does not use). KeyError when ``sql`` names one not given."""
    return {name: params[name] for name in dict.fromkeys(_PLACEHOLDER.findall(sql))}


def column(ref: str) -> str:
    """``ref`` checked as a registry column, optionally behind a table alias
    (``service_group``, ``p.service_group``); returned unchanged. ValueError otherwise."""
    alias, _, name = ref.rpartition(".")
    if name not in _COLUMNS or (alias and not _IDENTIFIER.fullmatch(alias)):
        raise ValueError(f"not a column of the source registry: {ref!r}")
    return ref


def group_key(service_group: str | None) -> str | None:
    """The chosen service group as it is matched: trimmed, lower case; None for no choice
    (None, empty or blank)."""
    if service_group is None or not service_group.strip():
        return None
    return service_group.strip().lower()


def in_group(service_group: str | None, ref: str = "service_group", *, name: str = "sg"
             ) -> Part:
    """Rows whose ``ref`` column is the chosen service group (see ``group_key``), the value
    bound as ``$name``; ``TRUE`` when no group is chosen. A blank column never matches a
    chosen group."""
    key = group_key(service_group)
    if key is None:
        return TRUE
    return Part(f"lower(trim({column(ref)})) = ${name}", {name: key})


def any_group_or(ref: str = "service_group", *, name: str = "sg") -> str:
    """The service-group condition decided when the query runs, for a query written once as
    a constant: ``($name IS NULL OR lower(trim(ref)) = $name)``, with ``$name`` bound to
    ``group_key(choice)`` (``None``: every row). ``in_group`` gives a simpler plan where the
    query is built per call."""
    return f"(${name} IS NULL OR lower(trim({column(ref)})) = ${name})"


def project_in_group(service_group: str | None, ref: str = "project_id", *, name: str = "sg"
                     ) -> Part:
    """Rows whose ``ref`` project is in the chosen service group of the project register
    (rows of a project missing from the register drop out); ``TRUE`` when no group is
    chosen, so those rows then count."""
    key = group_key(service_group)
    if key is None:
        return TRUE
    return Part(f"{column(ref)} IN (SELECT project_id FROM projects "
                f"WHERE lower(trim(service_group)) = ${name})", {name: key})


def all_of(*parts: Part) -> Part:
    """The fragments joined by AND (``TRUE`` ones left out; ``TRUE`` when nothing is left),
    with their parameters. ValueError when two bind the same name to different values."""
    kept = [p for p in parts if p.sql != TRUE.sql]
    params: dict[str, Any] = {}
    for part in kept:
        for key, value in part.params.items():
            if key in params and params[key] != value:
                raise ValueError(f"parameter ${key} bound twice with different values")
            params[key] = value
    if not kept:
        return TRUE
    if len(kept) == 1:
        return Part(kept[0].sql, params)
    return Part(" AND ".join(f"({p.sql})" for p in kept), params)


class FyWindow(NamedTuple):
    """A financial year at an as-at date: ``start`` = 1 April, ``end`` = 31 March, ``at`` =
    the evaluation date min(as_at, end). ``empty`` when the year had not begun at ``as_at``."""

    start: date
    end: date
    at: date

    @property
    def empty(self) -> bool:
        return self.at < self.start


def fy_window(fy: str, as_at: date) -> FyWindow:
    """The bounds of ``fy`` (any spelling ``parse_fy`` accepts; ValueError otherwise) at
    ``as_at``."""
    start, end = fy_bounds(fy)
    return FyWindow(start, end, min(as_at, end))


class Scope:
    """Placeholders for a set of parameter values under a prefix, so the same query can be
    written once and run for several periods in one statement (``$p0_at``, ``$p1_at``...).

    ``scope.at`` is the placeholder text ``$<prefix>at`` (AttributeError for a name without a
    value); ``scope.params`` the values under their prefixed names. ``group``/``project_group``
    are the service-group fragments for the scope's ``sg`` value (see ``in_group``).
    """

    def __init__(self, values: Mapping[str, Any], prefix: str = "") -> None:
        if prefix and not _IDENTIFIER.fullmatch(prefix):
            raise ValueError(f"not a parameter prefix: {prefix!r}")
        self._values = dict(values)
        self._prefix = prefix

    def __getattr__(self, name: str) -> str:
        if name.startswith("_") or name not in self._values:
            raise AttributeError(name)
        return f"${self._prefix}{name}"

    def name(self, key: str) -> str:
        """The prefixed parameter name of ``key`` (without ``$``), for fragment functions
        that take a parameter name (``populations.active_project(at=...)``)."""
        if key not in self._values:
            raise KeyError(key)
        return self._prefix + key

    @property
    def params(self) -> dict[str, Any]:
        """Every value under its prefixed name."""
        return {self._prefix + k: v for k, v in self._values.items()}

    def group(self, ref: str = "service_group") -> str:
        """``in_group`` on the scope's ``sg`` value."""
        return in_group(self._values.get("sg"), ref, name=self._prefix + "sg").sql

    def project_group(self, ref: str = "project_id") -> str:
        """``project_in_group`` on the scope's ``sg`` value."""
        return project_in_group(self._values.get("sg"), ref, name=self._prefix + "sg").sql
