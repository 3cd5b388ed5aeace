"""The shared SQL fragments (pmo_data.sqlparts), run on a tiny register, and a check that
the engine's modules use them instead of growing their own."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest

from pmo_data import sqlparts
from pmo_data.db import Database, build_database
from pmo_data.sqlparts import Part, Scope

ROOT = Path(__file__).resolve().parent.parent
ENGINE = ROOT / "pmo_data"

PROJECTS = [
    {"project_id": "P1", "project_name": "One", "service_group": "Surgery", "stage": "Delivery"},
    {"project_id": "P2", "project_name": "Two", "service_group": " surgery ", "stage": "Delivery"},
    {"project_id": "P3", "project_name": "Three", "service_group": "Medicine",
     "stage": "Delivery"},
    {"project_id": "P4", "project_name": "Four", "service_group": None, "stage": "Delivery"},
]
RISKS = [
    {"raid_id": "R1", "project_id": "P1", "raid_type": "Risk", "description": "a"},
    {"raid_id": "R2", "project_id": "P3", "raid_type": "Risk", "description": "b"},
    {"raid_id": "R3", "project_id": "P9", "raid_type": "Risk", "description": "c"},  # unknown
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    path = build_database(tmp_path_factory.mktemp("sqlparts") / "t.duckdb",
                          {"projects": PROJECTS, "raid": RISKS})
    with Database(path) as database:
        yield database


def ids(db: Database, table: str, key: str, part: Part) -> list[str]:
    sql = f"SELECT {key} FROM {table} WHERE {part.sql} ORDER BY 1"
    return [r[0] for r in db.rows(sql, dict(part.params))]


@pytest.mark.parametrize(("choice", "expected"), [
    (None, ["P1", "P2", "P3", "P4"]),
    ("", ["P1", "P2", "P3", "P4"]),  # blank: every group
    ("   ", ["P1", "P2", "P3", "P4"]),
    ("Surgery", ["P1", "P2"]),  # case and outer spaces ignored, on both sides
    ("  SURGERY ", ["P1", "P2"]),
    ("Nowhere", []),
])
def test_in_group_and_any_group_or_agree(db: Database, choice: str | None,
                                         expected: list[str]) -> None:
    assert ids(db, "projects", "project_id", sqlparts.in_group(choice)) == expected
    constant = Part(sqlparts.any_group_or(), {"sg": sqlparts.group_key(choice)})
    assert ids(db, "projects", "project_id", constant) == expected


def test_no_group_is_true_with_nothing_bound() -> None:
    assert sqlparts.in_group(None) == sqlparts.TRUE
    assert sqlparts.project_in_group(" ") == sqlparts.TRUE
    assert sqlparts.in_group("Surgery").params == {"sg": "surgery"}


def test_the_value_is_bound_never_written_into_the_sql() -> None:
    hostile = "x') OR TRUE --"
    part = sqlparts.in_group(hostile, "p.service_group", name="g1")
    assert hostile.lower() not in part.sql and "$g1" in part.sql
    assert part.params == {"g1": hostile.lower()}


@pytest.mark.parametrize(("choice", "expected"), [
    (None, ["R1", "R2", "R3"]),  # no group: items of unknown projects count
    ("surgery", ["R1"]),  # a group: they drop out
    ("Medicine", ["R2"]),
])
def test_project_in_group(db: Database, choice: str | None, expected: list[str]) -> None:
    assert ids(db, "raid", "raid_id", sqlparts.project_in_group(choice)) == expected


@pytest.mark.parametrize("ref", ["nonsense", "service_group; DROP TABLE projects",
                                 "p q.service_group", "lower(service_group)", ""])
def test_identifiers_come_from_the_registry(ref: str) -> None:
    with pytest.raises(ValueError, match="source registry"):
        sqlparts.in_group("Surgery", ref)
    with pytest.raises(ValueError, match="source registry"):
        sqlparts.any_group_or(ref)


def test_all_of_composes_and_refuses_a_clash() -> None:
    a, b = sqlparts.in_group("Surgery"), Part("stage = $stage", {"stage": "Delivery"})
    both = sqlparts.all_of(a, sqlparts.TRUE, b)
    assert both.sql == "(lower(trim(service_group)) = $sg) AND (stage = $stage)"
    assert both.params == {"sg": "surgery", "stage": "Delivery"}
    assert sqlparts.all_of(sqlparts.TRUE, sqlparts.TRUE) == sqlparts.TRUE
    assert sqlparts.all_of(a) == a
    with pytest.raises(ValueError, match="bound twice"):
        sqlparts.all_of(a, sqlparts.in_group("Medicine"))


def test_bind_keeps_only_what_the_sql_names() -> None:
    assert sqlparts.bind("a = $x AND b = $x_2", {"x": 1, "x_2": 2, "y": 3}) == {"x": 1, "x_2": 2}
    with pytest.raises(KeyError):
        sqlparts.bind("a = $missing", {})


def test_fy_window() -> None:
    assert sqlparts.fy_window("2025-26", date(2026, 8, 1)) == (
        date(2025, 4, 1), date(2026, 3, 31), date(2026, 3, 31))
    early = sqlparts.fy_window("2025/26", date(2025, 3, 1))
    assert early.at == date(2025, 3, 1) and early.empty
    with pytest.raises(ValueError):
        sqlparts.fy_window("not a year", date(2025, 3, 1))


def test_scope_prefixes_placeholders_for_one_statement(db: Database) -> None:
    parts, params = [], {}
    for i, group in enumerate(("Surgery", "Medicine", None)):
        q = Scope({"sg": sqlparts.group_key(group), "idx": i}, f"p{i}_")
        parts.append(f"SELECT {q.idx} AS i, count(*) AS n FROM projects WHERE {q.group()}")
        params.update(q.params)
    sql = " UNION ALL ".join(parts) + " ORDER BY i"
    assert "$p0_sg" in sql and "$p1_sg" in sql and "$p2_sg" not in sql
    assert db.rows(sql, sqlparts.bind(sql, params)) == [(0, 2), (1, 1), (2, 4)]
    with pytest.raises(AttributeError):
        _ = Scope({"at": 1}).nothing
    with pytest.raises(ValueError):
        Scope({}, "p0; --")


# --- one home: no module grows its own plumbing ----------------------------------------------

#: The board pack (pmo_data/pack, split from export.py by the issue's other half) still has a
#: positional service-group condition of its own in content.py; it moves to sqlparts there.
PENDING: set[str] = set()
_GROUP_TEXT = re.compile(r"lower\(trim\([a-z_.]*service_group\)\)\s*=")


def engine_sources() -> list[Path]:
    return sorted(p for p in ENGINE.rglob("*.py")
                  if p.name != "sqlparts.py" and p.name not in PENDING)


def test_the_service_group_condition_is_written_only_in_sqlparts() -> None:
    found = [f"{p.relative_to(ROOT)}:{n}" for p in engine_sources()
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if _GROUP_TEXT.search(line)]
    assert found == []


def _edits_sql(node: ast.AST) -> bool:
    """A ``.replace``/``.format``/``re.sub`` call applied to something named like SQL."""
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return False
    target = ast.unparse(node.func.value)
    if node.func.attr in ("replace", "format"):
        return "sql" in target.lower() or target.startswith("_SG")
    if node.func.attr == "sub" and node.args:
        return any("sql" in ast.unparse(a).lower() for a in node.args[1:])
    return False


def test_no_sql_is_edited_as_text() -> None:
    found = [f"{p.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)[:60]}"
             for p in engine_sources() for node in ast.walk(ast.parse(p.read_text("utf-8")))
             if _edits_sql(node)]
    assert found == []
