"""The batched engine calls (one statement for many years, series or sources) give exactly
what the one-at-a-time calls give, on the demo trust: they exist for speed, never for
different numbers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from pmo_data import metrics, plan, quality_scores
from pmo_data.db import Database
from pmo_data.schema import SOURCES
from pmo_data.store import Store

AS_AT = date(2026, 11, 21)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory):
    from pmo_data.demo import write_demo_exports
    from pmo_data.ingest import import_paths

    base = tmp_path_factory.mktemp("batched")
    exports = write_demo_exports(base / "sample", as_at=AS_AT)
    assert import_paths(exports, base / "pmo.duckdb").version is not None
    version = Store(base / "pmo.duckdb").current()
    assert version is not None
    with Database(Path(version.path)) as handle:
        yield handle


@pytest.mark.parametrize("group", [None, "Surgery"])
def test_compute_many_equals_compute_all_per_year(db: Database, group: str | None) -> None:
    years = ["2024/25", "2025/26", "2026/27", "2027/28"]
    at = date(2026, 9, 30)
    many = metrics.compute_many(db, years, at, group)
    assert list(many) == years
    for fy in years:
        alone = metrics.compute_all(db, fy, at, group)
        assert {c: v.value for c, v in many[fy].items()} == {c: v.value
                                                              for c, v in alone.items()}
        for code, mv in many[fy].items():
            assert mv.previous is None
            assert mv == replace(alone[code], previous=None)


def test_compute_many_of_some_codes(db: Database) -> None:
    many = metrics.compute_many(db, ["2025/26", "2025-26"], AS_AT, codes=["trained_staff"])
    assert list(many) == ["2025/26"]  # the same year spelt twice is computed once
    assert list(many["2025/26"]) == ["TRAINED_STAFF"]
    assert many["2025/26"]["TRAINED_STAFF"] == metrics.trained_staff(db, "2025/26", AS_AT)
    with pytest.raises(KeyError):
        metrics.compute_many(db, ["2025/26"], AS_AT, codes=["NOPE"])


@pytest.mark.parametrize("group", [None, "Medicine"])
def test_monthly_series_many_equals_one_at_a_time(db: Database, group: str | None) -> None:
    codes = [*(d.code for d in metrics.catalogue(db) if d.series)]
    assert len(codes) > 4  # the built-in series and the plan's kpi_actuals KPIs
    requests = [(code, date(2024, 1, 15), date(2026, 10, 31)) for code in codes]
    requests.append(("TRAINED_STAFF", date(2026, 5, 1), date(2026, 4, 1)))  # empty window
    requests.append(("trained_staff", date(2025, 4, 1), date(2025, 9, 30)))  # same code again
    many = metrics.monthly_series_many(db, requests, group)
    assert many == [metrics.monthly_series(db, c, s, e, group) for c, s, e in requests]
    assert many[-2] == [] and many[-1] and many[0]
    with pytest.raises(ValueError):
        metrics.monthly_series_many(db, [("ACTIVE_PROJECTS", date(2025, 1, 1), AS_AT)])


def test_kpi_series_and_spc_of_equal_kpi_spc(db: Database) -> None:
    series = plan.kpi_series(db, AS_AT)
    assert [s.code for s in series] == list(plan.spc_codes(db))
    for s in series:
        assert plan.spc_of(s) == plan.kpi_spc(db, s.code, AS_AT)
    assert plan.ipr_table(series) == plan.ipr_rows(db, AS_AT)


def _freshness_from_scores(db: Database, sources: tuple[str, ...], today: date
                           ) -> dict[str, date | None]:
    """The freshness rule as first written: from the full quality scores."""
    scores = {s.source: s for s in quality_scores.source_scores(db, today)}
    out = {}
    for name in sources:
        s = scores[name]
        # an undated source's import date is never after the date asked about
        day = (None if not s.rows else s.newest_record if s.newest_record is not None
               else min(s.last_import.date(), today) if s.last_import is not None else None)
        out[quality_scores.SHORT_NAMES[name]] = day
    return out


@pytest.mark.parametrize("today", [date(2025, 6, 30), AS_AT, date(2030, 1, 1)])
def test_freshness_and_stale_sources_agree_with_the_scores(db: Database, today: date) -> None:
    every = tuple(SOURCES)
    assert quality_scores.freshness(db, every, today) == _freshness_from_scores(db, every,
                                                                                today)
    stale = [s for s in quality_scores.source_scores(db, today) if s.stale]
    found = quality_scores.stale_sources(db, today)
    if today.year == 2030:
        assert len(found) >= 5  # nearly everything is stale three years on
    assert {s.source for s in found} == {s.source for s in stale}
    for s in found:
        score = next(x for x in stale if x.source == s.source)
        assert (s.age_days, s.basis, s.stale_after_days) == (score.age_days, score.basis,
                                                             score.stale_after_days)


@pytest.mark.parametrize(("fy", "as_at", "group"), [
    ("2026/27", AS_AT, None), ("2025/26", AS_AT, "Surgery"), ("2024/25", date(2024, 9, 30), None),
])
def test_narrative_equals_the_full_packs_sentences(db: Database, fy: str, as_at: date,
                                                  group: str | None) -> None:
    from pmo_data import pack

    sentences = pack.narrative(db, fy, as_at, group)
    assert sentences and sentences == list(pack.pack_content(db, fy, as_at, group).sentences)


@pytest.mark.parametrize("stages", [None, "every"])
@pytest.mark.parametrize("group", [None, "Surgery"])
def test_project_view_counts_equal_duckdbs(db: Database, group: str | None,
                                           stages: str | None) -> None:
    from test_portfolio import assert_view_matches_duckdb

    from pmo_data import portfolio as pf

    selection = pf.ProjectFilter(stages=pf.STAGE_ORDER) if stages else None
    view = assert_view_matches_duckdb(db, AS_AT, group, selection)
    assert len(view.table) >= 5
