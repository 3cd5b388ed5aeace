"""Prioritisation: rank the pipeline by weighted criteria, openly.

Why this module exists: deciding which new projects the trust (and the PMO) takes on is one of
the hardest jobs of a PMO, and a ranking is only trusted when everyone can see how it was
made. So every score here is a weighted average of six criteria, each turned into a 0-1 score
by a stated rule, and every project's score can be taken apart term by term (value,
normalised score, weight, contribution). Named weightings are kept in the database
(``saved_settings``), written through the versioned store like any other change.

Candidates: projects in stage Pipeline or Initiation (optionally one service group).
Normalisation is relative to the candidates being ranked, so filtering to a service group
can change scores. The criteria (``CRITERIA``), each 0 (worst) to 1 (best):

- ``shift``: alignment to the ten-year plan's three shifts. 1 if strategic_shift is one of
  them, else 0 (a project tags at most one shift, so there is no "partial" alignment).
- ``priority``: (5 - priority) / 4, so priority 1 (highest) scores 1 and 5 scores 0.
- ``benefit``: total target_value of the project's Cash-releasing benefits (pounds; other
  categories have no common unit), divided by the largest among the candidates. A project
  with no cash-releasing benefit scores 0. Higher is better.
- ``budget``: 1 - budget / largest budget among the candidates: cheaper scores higher (for
  the same other merits, a smaller call on money is preferred).
- ``risk``: 1 - open risk score / largest among the candidates, where open risk score is the
  sum of likelihood x impact over the project's open Risks. Less risk exposure scores higher.
  A project with RAID entries but no open risk has exposure 0 (scores 1).
- ``capacity``: expected PMO hours the project will need, 1 - hours / largest among the
  candidates: less call on the PMO's scarce capacity scores higher. Hours: for each open
  request of the project in the service log, the typical (median) hours of closed requests
  of that service less the hours already logged (not below 0); a project with no open
  request takes the typical hours of the service its register entry names in pmo_service
  (e.g. Immersive PM); self-managed projects need 0 hours.

When every candidate's value is 0 the ratio rules give 1 to all ("lower is better") or 0
to all ("higher is better"). **Missing values score 0** (a project is not credited for what
has not been recorded) and are labelled "not recorded" in the explanation: priority,
budget, risk (no RAID entries at all) and capacity (no closed requests to take typical
hours from).

Score = sum over criteria of weight x criterion score, divided by the sum of weights, times
100 (0-100). A criterion's contribution (points) is its share of that sum, so contributions
add up to the score. Equal weights are the default. Projects are ranked by score, highest
first; equal scores (to 1e-9) share a rank.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from pmo_data.db import Database
from pmo_data.schema import SERVICE, STRATEGIC_SHIFT
from pmo_data.sqlparts import in_group
from pmo_data.store import Store
from pmo_data.value import CLOSED_STATUSES, WITHDRAWN_STATUSES

CANDIDATE_STAGES: tuple[str, ...] = ("Pipeline", "Initiation")
SETTINGS_KIND = "prioritisation_weights"
DEFAULT_WEIGHT = 5
WEIGHT_MAX = 10
NAME_MAX = 80


@dataclass(frozen=True)
class Criterion:
    """One scoring criterion: what it measures, which way is better, and how it is scaled."""

    code: str
    label: str
    unit: str
    direction: str
    rule: str
    short: str = ""

    @property
    def points_column(self) -> str:
        """Heading of this criterion's contribution column in ``ranking_table``."""
        return f"{self.short or self.label} (pts)"


CRITERIA: tuple[Criterion, ...] = (
    Criterion("shift", "Three-shifts alignment", "shift", "higher is better",
              "1 if tagged with one of the three shifts, else 0", "Shift"),
    Criterion("priority", "Priority", "1-5", "1 (highest) is better",
              "(5 - priority) / 4", "Priority"),
    Criterion("benefit", "Cash-releasing benefit target", "£", "higher is better",
              "value / largest value among the candidates", "Benefit"),
    Criterion("budget", "Budget", "£", "lower is better",
              "1 - budget / largest budget among the candidates", "Budget"),
    Criterion("risk", "Open risk score", "sum of L x I", "lower is better",
              "1 - score / largest score among the candidates", "Risk"),
    Criterion("capacity", "PMO capacity needed", "hours", "lower is better",
              "1 - hours / largest hours among the candidates", "Capacity"),
)
CRITERION_CODES: tuple[str, ...] = tuple(c.code for c in CRITERIA)
_BY_CODE = {c.code: c for c in CRITERIA}


def default_weights() -> dict[str, float]:
    """Equal weights (``DEFAULT_WEIGHT`` each)."""
    return dict.fromkeys(CRITERION_CODES, float(DEFAULT_WEIGHT))


def clean_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """Weights for every criterion (missing ones take the default; unknown codes dropped).

    Raises ValueError for a weight outside 0-``WEIGHT_MAX`` or not a number.
    """
    out = default_weights()
    for code in CRITERION_CODES:
        if code in weights:
            value = float(weights[code])
            if not 0 <= value <= WEIGHT_MAX:
                raise ValueError(f"weight for {code} must be 0-{WEIGHT_MAX} (got {value})")
            out[code] = value
    return out


MISSING_RULE = ("A value that is not recorded scores 0 on its criterion: a project is not "
                "credited for what has not been recorded.")


def criteria_table() -> pd.DataFrame:
    """The criteria as a display table: what each measures and how it becomes 0-1."""
    return pd.DataFrame({
        "Criterion": [c.label for c in CRITERIA],
        "Unit": [c.unit for c in CRITERIA],
        "Better when": [c.direction for c in CRITERIA],
        "Score (0-1)": [c.rule for c in CRITERIA],
    })


# --- candidates ----------------------------------------------------------------------------


def candidates(db: Database, service_group: str | None = None) -> pd.DataFrame:
    """The projects to rank (stage Pipeline or Initiation) with each criterion's raw value.

    Columns: project_id, project_name, service_group, stage, strategic_shift, priority,
    budget_gbp, benefit_gbp (0 when none), cash_benefits (count), raid_items (count of any
    RAID entry), open_risks, open_risk_score (None when raid_items is 0), capacity_hours
    (None when unknown), capacity_basis (how the hours were estimated). Sorted by project_id.
    """
    group = in_group(service_group, "p.service_group")
    frame = db.df(
        f"""
        WITH folded AS (
            SELECT *, lower(trim(coalesce(status, ''))) AS st FROM service_requests),
        typical AS (
            SELECT service, median(hours) AS typical_hours FROM folded
            WHERE list_contains($closed, st) AND hours > 0 GROUP BY service),
        open_req AS (
            SELECT f.project_id, f.service, coalesce(f.hours, 0) AS logged, f.request_id,
                   t.typical_hours
            FROM folded f LEFT JOIN typical t USING (service)
            WHERE f.project_id IS NOT NULL AND NOT list_contains($withdrawn, f.st)
              AND NOT list_contains($closed, f.st) AND f.end_date IS NULL),
        need AS (
            SELECT project_id,
                   CASE WHEN bool_and(typical_hours IS NOT NULL)
                        THEN sum(greatest(typical_hours - logged, 0)) END AS hours,
                   string_agg(service || ' (' || request_id || '): typical '
                              || coalesce(CAST(round(typical_hours) AS BIGINT)::VARCHAR, '?')
                              || ' h less ' || CAST(round(logged) AS BIGINT)::VARCHAR
                              || ' h given', '; ' ORDER BY request_id) AS basis
            FROM open_req GROUP BY project_id),
        ben AS (
            SELECT project_id, count(*) AS n, sum(target_value) AS total FROM benefits
            WHERE category = 'Cash-releasing' GROUP BY project_id),
        rsk AS (
            SELECT project_id, count(*) AS items,
                   count(*) FILTER (WHERE raid_type = 'Risk' AND status = 'Open') AS open_risks,
                   coalesce(sum(likelihood * impact) FILTER (
                       WHERE raid_type = 'Risk' AND status = 'Open'), 0) AS score
            FROM raid GROUP BY project_id)
        SELECT p.project_id, p.project_name, p.service_group, p.stage, p.strategic_shift,
               p.priority, p.budget_gbp,
               coalesce(ben.total, 0) AS benefit_gbp, coalesce(ben.n, 0) AS cash_benefits,
               coalesce(rsk.items, 0) AS raid_items, coalesce(rsk.open_risks, 0) AS open_risks,
               rsk.score AS open_risk_score,
               CASE WHEN need.project_id IS NOT NULL THEN need.hours
                    WHEN reg.service IS NOT NULL THEN reg.typical_hours
                    ELSE 0 END AS capacity_hours,
               CASE WHEN need.project_id IS NOT NULL THEN 'Open request: ' || need.basis
                    WHEN reg.service IS NOT NULL THEN
                        'Register says ' || reg.service || ': typical '
                        || coalesce(CAST(round(reg.typical_hours) AS BIGINT)::VARCHAR,
                                    'unknown (no closed requests)') || ' h'
                    ELSE 'No PMO support requested or planned' END AS capacity_basis
        FROM projects p
        LEFT JOIN ben USING (project_id) LEFT JOIN rsk USING (project_id)
        LEFT JOIN need USING (project_id)
        LEFT JOIN (SELECT s.service, t.typical_hours
                   FROM (SELECT unnest($services) AS service) s
                   LEFT JOIN typical t USING (service)) reg
               ON lower(trim(p.pmo_service)) = lower(reg.service)
        WHERE list_contains($stages, p.stage) AND p.project_id IS NOT NULL
          AND {group.sql}
        ORDER BY p.project_id
        """,
        {"closed": list(CLOSED_STATUSES), "withdrawn": list(WITHDRAWN_STATUSES),
         "services": list(SERVICE.values), "stages": list(CANDIDATE_STAGES), **group.params},
    )
    for col in ("cash_benefits", "raid_items", "open_risks"):
        frame[col] = frame[col].astype(int)
    return frame



# --- scoring -------------------------------------------------------------------------------


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value))


def _money(value: float) -> str:
    return f"£{value:,.0f}"


def _lower_better(values: pd.Series) -> list[float]:
    known = values.dropna()
    top = float(known.max()) if len(known) else 0.0
    return [0.0 if _missing(v) else (1.0 if top <= 0 else 1.0 - float(v) / top)
            for v in values]


def normalise(cands: pd.DataFrame) -> dict[str, tuple[list[str], list[float], list[bool]]]:
    """Each criterion's (value texts, 0-1 scores, missing flags) for the candidates, in row
    order. The rules are in the module docstring and ``CRITERIA``; missing values score 0.
    """
    shifts = set(STRATEGIC_SHIFT.values)
    n = len(cands)
    out: dict[str, tuple[list[str], list[float], list[bool]]] = {}
    out["shift"] = ([s if s in shifts else "Not tagged" for s in cands["strategic_shift"]],
                    [1.0 if s in shifts else 0.0 for s in cands["strategic_shift"]],
                    [False] * n)
    priority = cands["priority"].astype(float)
    out["priority"] = (
        ["Not recorded" if _missing(p) else f"{int(p)}" for p in priority],
        [0.0 if _missing(p) else (5.0 - float(p)) / 4.0 for p in priority],
        [_missing(p) for p in priority])
    benefit = cands["benefit_gbp"].astype(float)
    top = float(benefit.max()) if n else 0.0
    out["benefit"] = (
        ["No cash-releasing benefit recorded" if k == 0 else
         f"{_money(v)} ({k} cash-releasing benefit{'s' if k != 1 else ''})"
         for v, k in zip(benefit, cands["cash_benefits"], strict=True)],
        [0.0 if top <= 0 else float(v) / top for v in benefit],
        [False] * n)
    budget = cands["budget_gbp"].astype(float)
    out["budget"] = (["Not recorded" if _missing(v) else _money(v) for v in budget],
                     _lower_better(budget), [_missing(v) for v in budget])
    risk = cands["open_risk_score"].astype(float)
    out["risk"] = (
        ["Not recorded (no RAID entries)" if _missing(v) else
         f"{v:.0f} ({k} open risk{'s' if k != 1 else ''})"
         for v, k in zip(risk, cands["open_risks"], strict=True)],
        _lower_better(risk), [_missing(v) for v in risk])
    hours = cands["capacity_hours"].astype(float)
    out["capacity"] = (
        [("Not recorded: " if _missing(v) else f"{v:,.0f} h: ") + str(basis)
         for v, basis in zip(hours, cands["capacity_basis"], strict=True)],
        _lower_better(hours), [_missing(v) for v in hours])
    return out


@dataclass(frozen=True)
class Ranking:
    """A scored pipeline.

    ``table``: one row per project, ranked: rank, project_id, project_name, service_group,
    stage, score (0-100) and one column of contribution points per criterion (labelled by
    ``Criterion.label``). ``terms``: one row per project and criterion: project_id,
    criterion, direction, value, normalised (0-1), weight, weight_share (0-1), contribution
    (points), missing (bool). ``missing``: per criterion label, how many projects had no
    value recorded (they score 0 on it). ``problem``: why nothing could be ranked (then both
    tables are empty).
    """

    weights: Mapping[str, float]
    table: pd.DataFrame
    terms: pd.DataFrame
    problem: str | None = None
    missing: Mapping[str, int] = field(default_factory=dict)
    criteria: tuple[Criterion, ...] = field(default=CRITERIA)


def score(cands: pd.DataFrame, weights: Mapping[str, float]) -> Ranking:
    """Score and rank ``candidates(...)`` with the given weights (see the module docstring).

    Each weight is 0-``WEIGHT_MAX``; all zero gives a Ranking with a ``problem`` and no rows.
    """
    w = clean_weights(weights)
    total = sum(w.values())
    empty_terms = pd.DataFrame(columns=["project_id", "criterion", "direction", "value",
                                        "normalised", "weight", "weight_share",
                                        "contribution", "missing"])
    if total <= 0:
        return Ranking(w, pd.DataFrame(), empty_terms,
                       "Every weight is zero: give at least one criterion a weight.")
    if cands.empty:
        return Ranking(w, pd.DataFrame(), empty_terms,
                       "No projects are in Pipeline or Initiation.")
    scored = normalise(cands)
    table = cands[["project_id", "project_name", "service_group", "stage"]].copy()
    terms = []
    missing: dict[str, int] = {}
    points = pd.Series(0.0, index=cands.index)
    for c in CRITERIA:
        texts, scores, gaps = scored[c.code]
        share = w[c.code] / total
        contrib = [100.0 * s * share for s in scores]
        table[c.label] = contrib
        missing[c.label] = sum(gaps)
        points = points + pd.Series(contrib, index=cands.index)
        for pid, text, s, pts, gap in zip(cands["project_id"], texts, scores, contrib, gaps,
                                          strict=True):
            terms.append({"project_id": pid, "criterion": c.label, "direction": c.direction,
                          "value": text, "normalised": s, "weight": w[c.code],
                          "weight_share": share, "contribution": pts, "missing": gap})
    table.insert(4, "score", points)
    table.insert(0, "rank", points.round(9).rank(method="min", ascending=False).astype(int))
    table = table.sort_values(["rank", "project_id"]).reset_index(drop=True)
    return Ranking(w, table, pd.DataFrame(terms), missing=missing)


def explain(ranking: Ranking, project_id: str) -> pd.DataFrame:
    """One project's score term by term, with display headings and a Total row.

    Columns: Criterion, Better when, Value, Normalised (0-1), Weight, Weight share,
    Contribution (points); the contributions add up to the project's score.
    """
    rows = ranking.terms[ranking.terms["project_id"] == project_id]
    if rows.empty:
        raise KeyError(project_id)
    out = pd.DataFrame({
        "Criterion": rows["criterion"], "Better when": rows["direction"],
        "Value": rows["value"], "Normalised (0-1)": rows["normalised"].astype(float),
        "Weight": rows["weight"].astype(float),
        "Weight share": rows["weight_share"].astype(float),
        "Contribution (points)": rows["contribution"].astype(float)})
    total = pd.DataFrame([{"Criterion": "Total score", "Better when": "", "Value": "",
                           "Normalised (0-1)": None, "Weight": out["Weight"].sum(),
                           "Weight share": out["Weight share"].sum(),
                           "Contribution (points)": out["Contribution (points)"].sum()}])
    return pd.concat([out, total], ignore_index=True)


def ranking_table(ranking: Ranking) -> pd.DataFrame:
    """The ranked list with display headings: score and each criterion's contribution in
    points (headed ``Criterion.points_column``, e.g. "Risk (pts)")."""
    if ranking.table.empty:
        return pd.DataFrame()
    return ranking.table.rename(columns={
        "rank": "Rank", "project_id": "Project ID", "project_name": "Project",
        "service_group": "Service group", "stage": "Stage", "score": "Score (0-100)",
        **{c.label: c.points_column for c in CRITERIA}})


def ranking_csv(ranking: Ranking) -> bytes:
    """The ranking as UTF-8 CSV: rank, project, score, and for every criterion its value,
    normalised score, weight and contribution, so the file explains itself."""
    if ranking.table.empty:
        return b""
    wide = ranking.table[["rank", "project_id", "project_name", "service_group", "stage",
                          "score"]].rename(columns={
        "rank": "Rank", "project_id": "Project ID", "project_name": "Project",
        "service_group": "Service group", "stage": "Stage", "score": "Score (0-100)"})
    for c in CRITERIA:
        part = ranking.terms[ranking.terms["criterion"] == c.label].set_index("project_id")
        ids = ranking.table["project_id"]
        wide[f"{c.label}: value"] = part.loc[ids, "value"].to_numpy()
        wide[f"{c.label}: normalised (0-1)"] = part.loc[ids, "normalised"].to_numpy().round(4)
        wide[f"{c.label}: weight"] = part.loc[ids, "weight"].to_numpy()
        wide[f"{c.label}: points"] = part.loc[ids, "contribution"].to_numpy().round(2)
    wide["Score (0-100)"] = wide["Score (0-100)"].round(2)
    return wide.to_csv(index=False).encode("utf-8")


# --- saved weightings ----------------------------------------------------------------------


@dataclass(frozen=True)
class SavedWeighting:
    """A named weighting kept in ``saved_settings``."""

    name: str
    weights: Mapping[str, float]
    saved_by: str | None
    saved_at: datetime | None


def saved_weightings(db: Database) -> list[SavedWeighting]:
    """Every saved prioritisation weighting, by name (values that fail to parse are skipped)."""
    out = []
    for name, value, by, at in db.rows(
            "SELECT name, value, saved_by, saved_at FROM saved_settings WHERE kind = ? "
            "ORDER BY lower(name)", [SETTINGS_KIND]):
        try:
            weights = clean_weights(json.loads(value))
        except (ValueError, TypeError):
            continue
        out.append(SavedWeighting(name, weights, by, at))
    return out


def save_weighting(db_path: Path | str, name: str, weights: Mapping[str, float],
                   saved_by: str | None = None, now: datetime | None = None) -> int:
    """Save (or replace) a named weighting; returns the new database version number.

    Written through ``Store.write``: a new version is published and the live file readers
    hold open is never changed. Raises ValueError for a blank or over-long name or a bad
    weight.
    """
    name = " ".join(name.split())
    if not name:
        raise ValueError("give the weighting a name")
    if len(name) > NAME_MAX:
        raise ValueError(f"names are at most {NAME_MAX} characters")
    value = json.dumps(clean_weights(weights), sort_keys=True)
    who = saved_by or _current_user()
    when = now or datetime.now().replace(microsecond=0)
    version, _ = Store(db_path).write(lambda con: con.execute(
        "INSERT INTO saved_settings VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, name) DO UPDATE "
        "SET value = excluded.value, saved_by = excluded.saved_by, "
        "saved_at = excluded.saved_at", [SETTINGS_KIND, name, value, who, when]))
    return version.number


def _current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def criterion(code: str) -> Criterion:
    """The criterion with this code (KeyError if none)."""
    return _BY_CODE[code]
