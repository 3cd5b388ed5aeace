"""One number, one definition: every surface shows the same figure for the same question.

On the demo data, for a grid of financial years, as-at dates (start, middle and end of a
year, a past year seen later, a date before some risks were raised or projects reported)
and service groups, this collects what each surface shows and compares them:

- ``metrics --json`` (the command line), the catalogue's numbers;
- the Overview tiles and captions (AppTest, as displayed);
- the pages that show a count beside a catalogue metric: Risks and issues, Portfolio,
  Portfolio history, Benefits, Training, Five-year plan;
- the board pack: XLSX values, PPTX text and HTML text; its "What changed since the last
  pack" table against the catalogue at the previous report date and at the as-at date;
- the exceptions list (Overview, Portfolio reason column, pack) and the plan scorecard
  (Overview tile, pack).

Every disagreement found is listed (not only the first), so a failure says what to fix.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from apptest_support import plain, run_filtered, serve

from pmo_data import periods
from pmo_data.db import Database
from pmo_data.store import Store

GRID = [
    ("2026/27", date(2026, 11, 21), None),        # the latest data
    ("2026/27", date(2026, 12, 2), None),         # after the data; a month before is 2 Nov
    ("2026/27", date(2026, 6, 30), None),         # mid-year, before some risks were raised
    ("2026/27", date(2026, 4, 3), "Surgery"),     # the year's first days, one service group
    ("2025/26", date(2026, 3, 31), None),         # the end of a year
    ("2025/26", date(2026, 11, 21), "Medicine"),  # a past year seen later
    ("2024/25", date(2024, 9, 30), None),         # the middle of an older year
]
IDS = [f"{fy}-{at}-{group or 'all'}" for fy, at, group in GRID]

MONTHS = {m: i for i, m in enumerate(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1)}
#: A date as the dashboard writes it ("9 Jun 2026"); anything else (09 Jun, 9 June) is a
#: second formatter.
DAY = r"(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4})"
OTHER_DATE_FORMS = re.compile(
    r"\b0\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b|"
    r"\b\d{1,2} (January|February|March|April|June|July|August|September|October|November|"
    r"December) \d{4}\b")


def _day(match: re.Match[str]) -> date:
    return date(int(match.group(3)), MONTHS[match.group(2)], int(match.group(1)))


def fmt_day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


@dataclass
class Surfaces:
    """What every surface shows for one grid point."""

    cli: dict[str, dict[str, Any]]
    tiles: dict[str, dict[str, str]] = field(default_factory=dict)  # page -> label -> value
    captions: dict[str, list[str]] = field(default_factory=dict)  # page -> captions
    markdown: dict[str, list[str]] = field(default_factory=dict)
    chart_titles: dict[str, list[str]] = field(default_factory=dict)  # page -> titles
    tables: dict[str, list[Any]] = field(default_factory=dict)  # page -> DataFrames shown
    pptx: list[str] = field(default_factory=list)  # one text per slide
    pptx_tables: list[list[list[str]]] = field(default_factory=list)
    html: str = ""
    xlsx: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)


def _cli(db: Path, fy: str, at: date, group: str | None,
         capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, Any]]:
    from pmo_data.cli import main

    argv = ["metrics", "--json", "--db", str(db), "--fy", fy, "--as-at", at.isoformat()]
    if group:
        argv += ["--service-group", group]
    capsys.readouterr()
    assert main(argv) == 0
    return {k.upper(): v for k, v in json.loads(capsys.readouterr().out).items()}


def _pack(db: Path, fy: str, at: date, group: str | None, s: Surfaces) -> None:
    from pptx import Presentation

    from pmo_data.pack import build_pack

    version = Store(db).current()
    assert version is not None
    with Database(version.path) as handle:
        pack = build_pack(handle, fy, at, service_group=group)
    for slide in Presentation(io.BytesIO(pack.pptx)).slides:
        texts, tables = [], []
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                rows = [[c.text for c in row.cells] for row in shape.table.rows]
                tables.append(rows)
                texts += [" ; ".join(r) for r in rows]
        s.pptx.append("\n".join(texts))
        s.pptx_tables.append(tables)
    s.html = re.sub(r"<[^>]+>", " ", pack.html.decode("utf-8"))
    s.html = re.sub(r"\s+", " ", s.html.replace("&amp;", "&").replace("&lt;", "<")
                    .replace("&gt;", ">").replace("&#x27;", "'").replace("&quot;", '"'))
    book = openpyxl.load_workbook(io.BytesIO(pack.xlsx))
    s.xlsx = {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


PAGES = ("overview", "risks", "portfolio", "portfolio_history", "benefits", "training",
         "five_year_plan")


@pytest.fixture(scope="module")
def surfaces(demo_db: Path) -> dict[str, Surfaces]:
    return {}


def collect(demo_db: Path, cache: dict[str, Surfaces], key: str, fy: str, at: date,
            group: str | None, monkeypatch: pytest.MonkeyPatch,
            capsys: pytest.CaptureFixture[str]) -> Surfaces:
    if key in cache:
        return cache[key]
    s = Surfaces(cli=_cli(demo_db, fy, at, group, capsys))
    serve(demo_db, monkeypatch)
    for name in PAGES:
        page = run_filtered(name, fy, at, group)
        s.tiles[name] = {plain(m.label): plain(m.value) for m in page.metric}
        s.captions[name] = [plain(c.value) for c in page.caption]
        s.markdown[name] = [plain(m.value) for m in page.markdown]
        s.tables[name] = [d.value for d in page.dataframe]
        s.chart_titles[name] = [
            re.sub(r"<[^>]+>", " ", (json.loads(c.proto.spec)["layout"].get("title") or {})
                   .get("text", "")).strip() for c in page.get("plotly_chart")]
    _pack(demo_db, fy, at, group, s)
    cache[key] = s
    return s


def _number(text: str) -> float | None:
    """The number in a displayed value ("£435,150", "52.4%", "-3 days", "1,658 views")."""
    found = re.search(r"-?£?-?[\d,]+(\.\d+)?", text.replace("−", "-"))
    if not found:
        return None
    return float(found.group(0).replace("£", "").replace(",", ""))


def _xlsx_rows(s: Surfaces, sheet: str) -> list[dict[str, Any]]:
    rows = s.xlsx[sheet]
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:]]


def _pptx_table(s: Surfaces, header: list[str]) -> dict[str, list[str]]:
    """The rows of the pack's tables whose header starts with ``header`` (each cell a
    prefix: "Previous report" matches "Previous report, 4 Nov 2026"): first cell -> cells,
    across the slides it continues on."""
    out: dict[str, list[str]] = {}
    for tables in s.pptx_tables:
        for rows in tables:
            if rows and len(rows[0]) >= len(header) and all(
                    cell.startswith(want) for cell, want in zip(rows[0], header, strict=False)):
                out.update({r[0]: r for r in rows[1:]})
    return out


def _kpi_table(s: Surfaces) -> dict[str, list[str]]:
    """The pack's "Performance against plan" table(s): measure -> cells."""
    return _pptx_table(s, ["Measure", "Latest"])


@pytest.mark.parametrize("fy, at, group", GRID, ids=IDS)
def test_every_surface_shows_the_catalogue_number(
        demo_db: Path, surfaces: dict[str, Surfaces], fy: str, at: date, group: str | None,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    s = collect(demo_db, surfaces, f"{fy}{at}{group}", fy, at, group, monkeypatch, capsys)
    cli = s.cli
    wrong: list[str] = []

    def same(what: str, a: Any, b: Any) -> None:
        if isinstance(a, int | float) and isinstance(b, int | float):
            equal = abs(a - b) <= 1e-9 * max(1.0, abs(b))  # XLSX keeps 15 digits
        else:
            equal = a == b
        if not equal:
            wrong.append(f"{what}: {a!r} != {b!r}")

    overview = s.tiles["overview"]
    by_name = {v["name"]: code for code, v in cli.items()}
    # 1. every Overview tile is the catalogue's value, and the pack's XLSX holds the same
    xlsx_kpis = {r["code"]: r for r in _xlsx_rows(s, "KPIs")}
    table = _kpi_table(s)
    for name, code in by_name.items():
        value = cli[code].get("total", cli[code]["value"])  # PORTFOLIO_RAG: the total
        shown = overview.get(name)
        if shown is None:
            wrong.append(f"Overview has no tile {name}")
            continue
        if value is None:
            same(f"Overview {name} (no data)", shown, "no data")
        else:
            number = _number(shown)
            if number is None or abs(number - value) > 0.051 * max(1, abs(value) / 100):
                wrong.append(f"Overview {name}: {shown!r} is not {value!r}")
        if code == "PORTFOLIO_RAG":  # a breakdown: checked against its own sheet below
            continue
        x = xlsx_kpis.get(code)
        if x is None:
            wrong.append(f"XLSX KPIs has no row {code}")
        else:
            same(f"XLSX {code} value", x["value"], value)
            same(f"XLSX {code} ytd_target", x["ytd_target"], cli[code]["ytd_target"])
            same(f"XLSX {code} text vs Overview", x["latest"], shown)
        if name in table:
            same(f"PPTX {name} Latest vs Overview", table[name][1], shown)
        else:
            wrong.append(f"PPTX plan table has no row {name}")
        if shown and shown not in s.html:
            wrong.append(f"HTML does not show {name} as {shown!r}")

    # 2. pages that show a count beside a catalogue metric show the catalogue's number
    def num(code: str) -> Any:
        return cli[code]["value"]

    rag = dict(cli["PORTFOLIO_RAG"]["value"] or {})
    for row in _xlsx_rows(s, "Portfolio RAG"):
        same(f"XLSX Portfolio RAG {row['rag']} now", row["now"], rag.get(row["rag"], 0))
    risks = s.tiles["risks"]
    same("Risks 'Very high risks' vs OPEN_HIGH_RISKS",
         _number(risks.get("Very high risks (score 15+)", "")), num("OPEN_HIGH_RISKS"))
    portfolio = s.tiles["portfolio"]
    same("Portfolio projects listed vs ACTIVE_PROJECTS",
         _number(portfolio.get("Projects listed", "")), num("ACTIVE_PROJECTS"))
    for colour, n in rag.items():
        same(f"Portfolio {colour} tile vs PORTFOLIO_RAG", _number(portfolio.get(colour, "")), n)
    history = " ".join(s.captions["portfolio_history"])
    found = re.search(r"(\w+) projects: ([\d,]+) on " + DAY + r" and ([\d,]+) on " + DAY
                      + r"; Red ([\d,]+) to ([\d,]+)", history)
    if found is None:
        wrong.append(f"Portfolio history states no counts: {history[:200]!r}")
    else:
        same("Portfolio history population is the catalogue's", found.group(1), "Active")
        same("Portfolio history count at the as-at date vs ACTIVE_PROJECTS",
             float(found.group(6).replace(",", "")), num("ACTIVE_PROJECTS"))
        same("Portfolio history Red at the as-at date vs PORTFOLIO_RAG",
             int(found.group(11)), rag.get("Red"))
    benefits = s.tiles["benefits"]
    cash = next((v for k, v in benefits.items() if k.startswith("Cash-releasing realised")),
                None)
    same("Benefits cash-releasing realised vs Overview", cash,
         overview.get(cli["BENEFITS_REALISED_GBP"]["name"]))
    training = s.tiles["training"]
    same("Training staff trained vs Overview", training.get("Staff trained"),
         overview.get(cli["TRAINED_STAFF"]["name"]))

    # 3. one year-to-date training target in the whole pack, the catalogue's
    ytd = cli["TRAINED_STAFF"]["ytd_target"]
    pack_text = "\n".join(s.pptx) + "\n" + s.html
    for m in re.finditer(r"staff trained[^.]*?(?:year-to-date|pro-rata) target (?:of )?([\d,]+)",
                         pack_text):
        same("pack training target", float(m.group(1).replace(",", "")), ytd)
    for row in _xlsx_rows(s, "Training"):
        month = row["month"]
        if isinstance(month, datetime) and month.date() > at:
            wrong.append(f"XLSX Training has a month after the as-at date: {month:%b %Y}")

    # 4. one previous-report date: Overview, pack and Portfolio history
    previous = set()
    for text in s.captions["overview"]:
        m = re.search(r"changed RAG in reports since " + DAY, text)
        if m:
            previous.add(("Overview", _day(m)))
    for m in re.finditer(r"against " + DAY, "\n".join(s.pptx)):
        previous.add(("pack", _day(m)))
    m = re.search(r"projects: [\d,]+ on " + DAY, history)
    if m:
        previous.add(("Portfolio history", _day(m)))
    if len({d for _, d in previous}) > 1:
        wrong.append(f"previous report dates differ: {sorted(previous)}")

    # 5. no data date after the as-at date, and one date format on every surface
    texts = [t for page in PAGES for t in s.captions[page]] + s.pptx + [s.html]
    for text in texts:
        for m in re.finditer(r"data (?:up )?to " + DAY, text):
            if _day(m) > at:
                wrong.append(f"data date after the as-at date: {m.group(0)!r}")
        for m in OTHER_DATE_FORMS.finditer(text):
            wrong.append(f"a second date format: {m.group(0)!r}")
    data_to = next(i for i, h in enumerate(s.xlsx["Data sources"][0]) if h == "data_to")
    for r in s.xlsx["Data sources"][1:]:
        if isinstance(r[data_to], datetime) and r[data_to].date() > at:
            wrong.append(f"XLSX Data sources: {r[0]} data to {r[data_to]:%d %b %Y}")
    if not any(f"as at {fmt_day(at)}" in c for c in s.captions["overview"]):
        wrong.append(f"Overview does not say 'as at {fmt_day(at)}'")
    if f"as at {fmt_day(at)}" not in s.pptx[0]:
        wrong.append(f"the pack's title slide does not say 'as at {fmt_day(at)}': {s.pptx[0]!r}")

    # 6. one status word for a target: Overview and Five-year plan agree
    assert not wrong, "\n".join(dict.fromkeys(wrong))


@pytest.mark.parametrize("fy, at, group", GRID, ids=IDS)
def test_an_spc_verdict_is_the_same_everywhere(
        demo_db: Path, surfaces: dict[str, Surfaces], fy: str, at: date, group: str | None,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The pack's plan table, its SPC sentence and the Five-year plan page name the same
    variation for each charted measure."""
    s = collect(demo_db, surfaces, f"{fy}{at}{group}", fy, at, group, monkeypatch, capsys)
    words = {"Common cause": "common", "Improvement": "improvement", "Concern": "concern",
             "Special cause improvement": "improvement", "Special cause concern": "concern",
             "Common cause variation": "common", "Special cause variation": "neutral",
             "Neutral": "neutral"}

    def kind(text: str) -> str | None:
        for word, k in sorted(words.items(), key=lambda w: -len(w[0])):
            if text.startswith(word):
                return k
        return None

    table = {name: kind(cells[4]) for name, cells in _kpi_table(s).items()
             if kind(cells[4])}
    xlsx = {r["metric"]: r["variation_icon"] for r in _xlsx_rows(s, "KPIs")}
    wrong = []
    sentence = next((t for t in s.pptx if "SPC shows" in t), "")
    for name, k in table.items():
        if k == "improvement" and "improvement in" in sentence and name not in sentence:
            wrong.append(f"pack SPC sentence omits {name} (improvement in the table)")
        if k == "common" and re.search(r"improvement in [^;]*" + re.escape(name), sentence):
            wrong.append(f"pack SPC sentence calls {name} improvement; table: common cause")
        if xlsx.get(name) and not str(xlsx[name]).startswith(
                {"common": "common", "improvement": "improvement", "concern": "concern",
                 "neutral": "neither"}[k]):
            wrong.append(f"XLSX variation of {name} is {xlsx[name]}; table: {k}")
    # the page's SPC charts follow its maturity chart, each with its sentence below it;
    # the page is trust-wide at the as-at date, so it is compared with the pack when the
    # pack's figures are at that date too (not for a past year seen later)
    if at > periods.evaluation_date(fy, at) or group is not None:
        assert not wrong, "\n".join(wrong)
        return
    verdicts = [c for c in s.captions["five_year_plan"] if kind(c)]
    titles = s.chart_titles["five_year_plan"][-len(verdicts):] if verdicts else []
    for title, caption in zip(titles, verdicts, strict=True):
        for name, k in table.items():
            if title.startswith(name) and kind(caption) != k:
                wrong.append(f"{name}: Five-year plan says {kind(caption)}, pack says {k}")
    claimed = re.search(r"the other (\d+) charted measures", sentence)
    if claimed:
        others = sum(1 for k in table.values() if k != "improvement" and k != "concern")
        if int(claimed.group(1)) != others:
            wrong.append(f"pack says 'the other {claimed.group(1)}'; the table has {others}")
    assert not wrong, "\n".join(wrong)


def _ids(cells: Any) -> list[str]:
    """Project IDs (PRJ-0004) at the start of each cell or in a ``?project=`` link."""
    out = []
    for cell in cells:
        m = re.search(r"(?:project=|^)(PRJ-\d+)", str(cell))
        if m:
            out.append(m.group(1))
    return out


def _changes_table(s: Surfaces) -> dict[str, list[str]]:
    """The pack's "What changed since the last pack" table(s): measure -> cells."""
    return _pptx_table(s, ["Measure", "Previous report"])


@pytest.mark.parametrize("fy, at, group", GRID, ids=IDS)
def test_exceptions_and_the_scorecard_are_the_same_everywhere(
        demo_db: Path, surfaces: dict[str, Surfaces], fy: str, at: date, group: str | None,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The exceptions (every Red and Amber/Red project) are the same projects, in the same
    order, with the same reason on the Overview, the Portfolio table, the pack's slide, its
    report and its XLSX; "n of m plan KPIs on track" is the same on the Overview tile, the
    pack's scorecard slide, its report and its XLSX."""
    from pmo_data import exceptions, plan
    from pmo_data.downloads import plain as cell

    s = collect(demo_db, surfaces, f"{fy}{at}{group}", fy, at, group, monkeypatch, capsys)
    version = Store(demo_db).current()
    assert version is not None
    with Database(version.path) as db:
        listed = exceptions.exceptions(db, periods.evaluation_date(fy, at), group)
        card = plan.scorecard(db, fy, at)
    expected = list(listed.table["project_id"])
    reasons = dict(zip(listed.table["project_id"], listed.table["reason"], strict=True))
    wrong: list[str] = []
    # Overview: the exceptions table
    table = next((t for t in s.tables["overview"]
                  if "Change since previous report" in t.columns), None)
    shown = _ids(table["Open"]) if table is not None else []
    if shown != expected:
        wrong.append(f"Overview exceptions {shown} != {expected}")
    # Portfolio: the same reason beside each exception it lists
    listing = next((t for t in s.tables["portfolio"] if "Reason" in t.columns), None)
    if listing is None:
        wrong.append("the Portfolio table has no Reason column")
    else:
        compared = 0
        for pid, reason in zip(_ids(listing["link"]), listing["Reason"], strict=True):
            if pid in reasons:
                compared += 1
                if cell(reason) != cell(reasons[pid]):
                    wrong.append(f"Portfolio reason of {pid}: {reason!r} != {reasons[pid]!r}")
        if expected and not compared:
            wrong.append("the Portfolio table lists none of the exceptions")
    # the pack: slide rows, XLSX rows, report text
    rows = [r for tables in s.pptx_tables for t in tables
            if t and t[0][:2] == ["Project", "RAG"] for r in t[1:]]
    if _ids(r[0] for r in rows) != expected:
        wrong.append(f"pack exceptions slide {_ids(r[0] for r in rows)} != {expected}")
    xlsx = [r["project_id"] for r in _xlsx_rows(s, "Exceptions")]
    if xlsx != expected:
        wrong.append(f"XLSX Exceptions {xlsx} != {expected}")
    missing = [pid for pid in expected if pid not in s.html]
    if missing:
        wrong.append(f"the report leaves out exceptions {missing}")
    # the scorecard
    tile = s.tiles["overview"].get("Plan KPIs on track")
    if tile != card.value_text:
        wrong.append(f"Overview scorecard {tile!r} != {card.value_text!r}")
    slide = next((t for t in s.pptx if t.startswith("Five-year plan scorecard")), "")
    if card.value_text not in slide or card.sentence not in slide:
        wrong.append(f"pack scorecard slide does not say {card.value_text!r}: {slide[:160]!r}")
    if card.sentence not in s.html:
        wrong.append(f"the report does not say {card.sentence!r}")
    sheet = [(r["kpi"], r["status"]) for r in _xlsx_rows(s, "Scorecard")]
    if sheet != list(card.rows):
        wrong.append(f"XLSX Scorecard {sheet} != {list(card.rows)}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("fy, at, group", GRID, ids=IDS)
def test_what_changed_shows_the_catalogue_at_both_dates(
        demo_db: Path, surfaces: dict[str, Surfaces], fy: str, at: date, group: str | None,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Each figure of the changes slide is the command line's value at the previous report
    date (for the FY containing it) and at the as-at date, spelt as the Overview spells it,
    with the change ``fmt.delta`` writes; the XLSX sheet holds the same numbers."""
    from pmo_data import fmt, metrics
    from pmo_data.exceptions import exceptions
    from pmo_data.pack.changes import RAG_DIRECTIONS
    from pmo_data.pack.pptx import CHANGE_NAME_WIDTH

    s = collect(demo_db, surfaces, f"{fy}{at}{group}", fy, at, group, monkeypatch, capsys)
    now_at = periods.evaluation_date(fy, at)
    previous = periods.previous_report_date(now_at)
    start, end = periods.fy_bounds(fy)
    fy_then = fy if start <= previous <= end else periods.fy_of(previous)
    then = _cli(demo_db, fy_then, previous, group, capsys)
    now = s.cli
    version = Store(demo_db).current()
    assert version is not None
    with Database(version.path) as handle:
        restarting = {d.code for d in metrics.catalogue(handle) if d.cumulative}
        exceptions_then = len(exceptions(handle, previous, group).table)
        exceptions_now = len(exceptions(handle, now_at, group).table)
    if fy_then == fy:
        restarting = set()
    table = _changes_table(s)
    sheet = {r["key"]: r for r in _xlsx_rows(s, "What changed")}
    wrong: list[str] = []

    def check(key: str, name: str, unit: str, a: float | None, b: float | None,
              restarts: bool = False) -> None:
        row = table.get(fmt.shorten(name, CHANGE_NAME_WIDTH))
        if row is None:
            wrong.append(f"PPTX changes table has no row {name}")
            return
        change = ("–" if a is None or b is None or restarts else fmt.delta(b - a, unit))
        expected = [fmt.value(a, unit), fmt.value(b, unit), change]
        if row[1:4] != expected:
            wrong.append(f"PPTX changes {name}: {row[1:4]} != {expected}")
        x = sheet.get(key)
        if x is None:
            wrong.append(f"XLSX What changed has no row {key}")
            return
        for side, v in (("then", a), ("now", b)):
            got = x[side]
            if (v is None) != (got is None) or (v is not None and abs(got - v) > 1e-9 * max(
                    1.0, abs(v))):
                wrong.append(f"XLSX What changed {key} {side}: {got!r} != {v!r}")

    for code, value in now.items():
        if code == "PORTFOLIO_RAG":
            rag_now, rag_then = dict(value["value"] or {}), dict(then[code]["value"] or {})
            for rag in RAG_DIRECTIONS:
                check(f"RAG_{rag.upper().replace('/', '_')}", f"Active projects rated {rag}",
                      "count", rag_then.get(rag) if then[code]["value"] else None,
                      rag_now.get(rag) if value["value"] else None)
            register = value["value"] is not None
            check("EXCEPTIONS", "Exceptions (Red and Amber/Red, On hold included)", "count",
                  exceptions_then if then[code]["value"] is not None else None,
                  exceptions_now if register else None)
            continue
        check(code, value["name"], value["unit"], then[code]["value"], value["value"],
              code in restarting)
        shown = s.tiles["overview"].get(value["name"])
        row = table.get(fmt.shorten(value["name"], CHANGE_NAME_WIDTH))
        if row is not None and shown is not None and row[2] != shown:
            wrong.append(f"PPTX changes {value['name']} now {row[2]!r} != Overview {shown!r}")
    if f"Previous report, {fmt_day(previous)}" not in s.html:
        wrong.append(f"HTML changes section does not name {fmt_day(previous)}")
    if fy_then != fy and f"its figures are for {fy_then}" not in "\n".join(s.pptx):
        wrong.append(f"the changes slide does not say its previous figures are for {fy_then}")
    assert not wrong, "\n".join(dict.fromkeys(wrong))
