"""Mapping proposals for a sheet whose columns satisfy no source.

Instead of a dead end, the importer proposes the likely source(s) and, for every contract
column, the file column that fits it best. Two kinds of evidence are combined:

- header similarity: the file header's short label against the column's name and every
  alias (the better of a character-level ratio and the share of the alias's words found);
- value shape, from a sample of up to ``SAMPLE_ROWS`` cells: the share that read as dates,
  numbers, a vocabulary's words (RAG, stage ...), financial years, and, for ``*_id``
  columns, short mostly-unique codes.

A column's score is ``0.65 x header + 0.35 x shape``; with no header evidence at all the
shape alone may still propose a column (at half weight), so a "Health" column of
Red/Yellow/Green is offered as the RAG. A typed column (date, number, financial year) is
never proposed for file values that mostly do not read as such. A file column is proposed
for at most one contract column of a source (greedy, best score first) and only above
``MIN_SCORE``. A source's score is 0.7 x the mean of its required columns' scores (0 where
none fits) + 0.3 x the share of the file's columns it explains. Unknown vocabulary values
("Yellow", "Not started") get a suggested contract value from a short table of common
exports' words, then by spelling (words are folded: "health" reads as "rag", "target" as
"planned", "finish" as "end" ...).
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from pmo_data import parse
from pmo_data.profiles import FIXED_LABEL, Profile, Target, header_key, header_label
from pmo_data.readers import RawSheet
from pmo_data.recognise import HEADER_SEARCH_ROWS, Recognised
from pmo_data.schema import (
    SOURCES,
    SOURCES_LIST,
    VOCABULARIES,
    Column,
    Vocabulary,
    normalise_header,
)

SAMPLE_ROWS = 200
MIN_SCORE = 0.42
LIKELY_SOURCE_SCORE = 0.3
HEADER_WEIGHT = 0.65
_TYPED = frozenset({"date", "month", "int", "float", "money", "percent", "fy"})

#: Words common exports use that the contract's vocabularies do not list, with the value
#: proposed for them (the user confirms or changes each on the Import page).
HINTS: dict[str, dict[str, str]] = {
    "rag": {"Yellow": "Amber", "Orange": "Amber/Red", "Light green": "Amber/Green",
            "Not started": "Not reported", "Completed": "Blue", "Done": "Blue",
            "Exempt": "Not reported", "Unknown": "Not reported"},
    "stage": {"Not started": "Pipeline", "Proposed": "Pipeline", "Idea": "Pipeline",
              "Active": "Delivery", "Implementation": "Delivery", "Done": "Closed",
              "Finished": "Closed", "Deferred": "On hold", "Paused": "On hold",
              "Closing": "Closure"},
    "raid_status": {"Resolved": "Closed", "Done": "Closed", "Complete": "Closed",
                    "Completed": "Closed", "In progress": "Open", "Not started": "Open",
                    "New": "Open", "Mitigated": "Closed"},
    "attendance": {"Present": "Attended", "Completed": "Attended", "Absent": "Did not attend",
                   "No-show": "Did not attend", "Declined": "Withdrawn"},
}


@dataclass(frozen=True)
class Shape:
    """What a column's sampled values look like: shares (0-1) of the non-blank sample."""

    filled: int
    dates: float
    numbers: float
    fys: float
    idlike: float
    vocab: Mapping[str, float]

    def fit(self, column: Column) -> float:
        """How well the values suit a contract column (0-1)."""
        if not self.filled:
            return 0.0
        if column.kind in ("date", "month"):
            return self.dates
        if column.kind in ("int", "float", "money", "percent"):
            return self.numbers * (1 - self.dates)
        if column.kind == "fy":
            return self.fys
        if column.kind == "vocab":
            return self.vocab.get(column.vocab or "", 0.0)
        if column.name.endswith("_id"):
            return self.idlike
        return max(0.0, 1 - max(self.dates, self.numbers)) * 0.5


@dataclass(frozen=True)
class FileColumn:
    """One column of the sheet: its index, short header label and value shape."""

    index: int
    header: str
    shape: Shape


@dataclass(frozen=True)
class Choice:
    """The proposed file column (None: none fits) for one contract column."""

    column: str
    required: bool
    header: str | None
    score: float


@dataclass(frozen=True)
class SourceProposal:
    """A candidate source with its column choices and its score (0-1)."""

    source: str
    score: float
    choices: tuple[Choice, ...]

    @property
    def missing_required(self) -> tuple[str, ...]:
        """Required columns no file column was proposed for."""
        return tuple(c.column for c in self.choices if c.required and c.header is None)


@dataclass(frozen=True)
class Proposal:
    """The proposal for one sheet: its header row, its columns, likely sources best first."""

    file: str
    sheet: str
    header_row: int
    columns: tuple[FileColumn, ...]
    sources: tuple[SourceProposal, ...]

    @property
    def headers(self) -> tuple[str, ...]:
        """The file's header labels, in file order."""
        return tuple(c.header for c in self.columns)

    def for_source(self, name: str) -> SourceProposal:
        """The choices for any source (computed if it was not among the likely ones)."""
        for candidate in self.sources:
            if candidate.source == name:
                return candidate
        return _propose_source(SOURCES[name].columns, name, self.columns)


@dataclass(frozen=True)
class UnknownValue:
    """A value of a vocabulary column the contract does not know, with its count and the
    proposed contract value (None: no good guess)."""

    value: str
    count: int
    suggestion: str | None


def find_header_row(sheet: RawSheet) -> int:
    """The likely header row: the first of the top rows with at least 60% as many text
    cells as the fullest top row (title and "label | value" rows above it are skipped)."""
    counts = [sum(1 for c in row if isinstance(c, str) and c.strip())
              for row in sheet.rows[:HEADER_SEARCH_ROWS]]
    if not counts or max(counts) < 1:
        return 0
    wanted = max(2, round(0.6 * max(counts))) if max(counts) >= 2 else 1
    return next(i for i, n in enumerate(counts) if n >= wanted)


def _sample(sheet: RawSheet, header_row: int) -> list[list[Any]]:
    probe = Recognised(sheet, SOURCES_LIST[0], header_row, {}, ())
    rows = probe.data_rows()
    if len(rows) > SAMPLE_ROWS:  # evenly spread, so a sorted sheet is judged on all of it
        step = len(rows) / SAMPLE_ROWS
        rows = [rows[int(i * step)] for i in range(SAMPLE_ROWS)]
    return [cells for _, cells in rows]


@lru_cache(maxsize=1)
def _vocab_tables() -> dict[str, dict[str, str]]:
    tables = {}
    for name, vocab in VOCABULARIES.items():
        table = vocab.lookup()
        table.update({normalise_header(k): v for k, v in HINTS.get(name, {}).items()})
        tables[name] = table
    return tables


def _is_date(value: Any) -> bool:
    if isinstance(value, datetime | date):
        return True
    if not isinstance(value, str):
        return False
    text = value.strip()
    if not any(ch.isdigit() for ch in text) or len(text) > 30:
        return False
    try:
        return parse.parse_date(text) is not None
    except ValueError:
        return False


def _is_number(value: Any) -> bool:
    if isinstance(value, bool) or isinstance(value, datetime | date):
        return False
    if isinstance(value, int | float):
        return True
    text = str(value).strip().rstrip("%")
    try:
        return parse.parse_number(text) is not None
    except ValueError:
        return False


def _is_fy(value: Any) -> bool:
    if isinstance(value, datetime | date | bool):
        return False
    try:
        return parse.parse_fy(value) is not None and ("/" in str(value) or "-" in str(value)
                                                      or str(value).lower().startswith("fy"))
    except ValueError:
        return False


def _idlike(values: Sequence[Any]) -> float:
    texts = [parse.parse_text(v) or "" for v in values]
    short = [t for t in texts if 0 < len(t) <= 20 and " " not in t.strip()
             and any(ch.isdigit() for ch in t)]
    if not texts:
        return 0.0
    unique = len(set(short)) / max(len(short), 1)
    return len(short) / len(texts) * (0.5 + 0.5 * unique)


def shape_of(values: Sequence[Any]) -> Shape:
    """The shape of a column's sampled values (blank cells ignored)."""
    filled = [v for v in values if not parse.is_blank(v)]
    if not filled:
        return Shape(0, 0.0, 0.0, 0.0, 0.0, {})
    n = len(filled)
    dates = sum(map(_is_date, filled)) / n
    numbers = sum(map(_is_number, filled)) / n
    fys = sum(map(_is_fy, filled)) / n
    keys = [normalise_header(parse.parse_text(v)) for v in filled if isinstance(v, str)]
    vocab = {}
    for name, table in _vocab_tables().items():
        share = sum(1 for k in keys if k in table) / n
        if share:
            vocab[name] = share
    return Shape(n, dates, numbers, fys, _idlike(filled), vocab)


#: Words that mean the same in headers, folded to one before comparing.
_SAME_WORDS = {
    "target": "planned", "baseline": "planned", "baselined": "planned", "scheduled": "planned",
    "plan": "planned", "finish": "end", "completion": "end", "close": "end", "due": "end",
    "kick": "start", "begin": "start", "commencement": "start", "started": "start",
    "reference": "ref", "number": "ref", "no": "ref", "code": "ref", "id": "ref", "num": "ref",
    "title": "name", "directorate": "division", "care": "division",
    "health": "rag", "colour": "rag", "color": "rag",
}


def _words(key: str) -> set[str]:
    return {_SAME_WORDS.get(w, w) for w in key.split("_") if w}


@lru_cache(maxsize=8192)
def _similarity(file_key: str, name_key: str) -> float:
    """Header similarity (0-1): the share of the name's words the header has (less a
    little for the header's other words), or, for typos, the character-level ratio when it
    is at least 0.8."""
    if not file_key or not name_key:
        return 0.0
    if file_key == name_key:
        return 1.0
    mine, theirs = _words(file_key), _words(name_key)
    covered = len(mine & theirs) / len(theirs) if theirs else 0.0
    extra = len(mine - theirs) / len(mine) if mine else 0.0
    words = covered * (1 - 0.3 * extra)
    matcher = difflib.SequenceMatcher(None, file_key, name_key)
    ratio = matcher.ratio() if matcher.quick_ratio() >= 0.8 else 0.0
    return max(words, ratio * 0.95 if ratio >= 0.8 else 0.0)


def header_score(header: str, column: Column) -> float:
    """How much a file header reads like a contract column (0-1): the best of the column's
    name and aliases."""
    key = normalise_header(header)
    names = (column.name, *column.aliases)
    return max(_similarity(key, normalise_header(n)) for n in names)


def _score(col: FileColumn, column: Column) -> float:
    head = header_score(col.header, column)
    shape = col.shape.fit(column)
    if col.shape.filled and column.kind in _TYPED and shape < 0.3:
        return 0.0  # a column whose values are not dates (numbers ...) cannot be one
    if head < 0.3:
        return 0.5 * shape if column.kind in ("vocab", "date", "fy") else 0.0
    return HEADER_WEIGHT * head + (1 - HEADER_WEIGHT) * shape


def _propose_source(columns: Sequence[Column], source: str,
                    file_columns: Sequence[FileColumn]) -> SourceProposal:
    scored = sorted(((_score(fc, c), i, fc, c) for i, c in enumerate(columns)
                     for fc in file_columns), key=lambda t: (-t[0], t[1], t[2].index))
    taken_cols: set[int] = set()
    chosen: dict[str, tuple[str, float]] = {}
    for score, _, fc, column in scored:
        if score < MIN_SCORE:
            break
        if column.name in chosen or fc.index in taken_cols:
            continue
        chosen[column.name] = (fc.header, score)
        taken_cols.add(fc.index)
    choices = tuple(Choice(c.name, c.required, *(chosen.get(c.name) or (None, 0.0)))
                    for c in columns)
    required = [ch.score for ch in choices if ch.required]
    explained = len(chosen) / max(len(file_columns), 1)
    score = (sum(required) / max(len(required), 1)) * 0.7 + 0.3 * explained
    return SourceProposal(source, round(score, 3), choices)


def propose(sheet: RawSheet) -> Proposal:
    """Propose sources and column choices for a sheet (see module docstring)."""
    header_row = find_header_row(sheet)
    header = sheet.rows[header_row] if sheet.rows else []
    sample = _sample(sheet, header_row)
    columns = []
    for index, cell in enumerate(header):
        label = header_label(cell)
        if not label:
            continue
        values = [row[index] if index < len(row) else None for row in sample]
        columns.append(FileColumn(index, label, shape_of(values)))
    candidates = [_propose_source(s.columns, s.name, columns) for s in SOURCES_LIST]
    candidates.sort(key=lambda p: -p.score)
    likely = [p for p in candidates if p.score >= LIKELY_SOURCE_SCORE][:3] or candidates[:1]
    return Proposal(sheet.file, sheet.sheet, header_row, tuple(columns), tuple(likely))


def suggest_value(vocab: Vocabulary, value: str) -> str | None:
    """The contract value proposed for an unknown vocabulary word, or None."""
    key = normalise_header(value)
    table = _vocab_tables()[vocab.name]
    if key in table:
        return table[key]
    close = difflib.get_close_matches(key, list(table), n=1, cutoff=0.8)
    return table[close[0]] if close else None


def unknown_values(sheet: RawSheet, header_row: int, header: str, vocab: Vocabulary,
                   mapped: Mapping[str, str] | None = None) -> list[UnknownValue]:
    """Distinct values of the column under ``header`` that ``vocab`` does not accept (and
    ``mapped`` does not yet map), most frequent first, with a suggestion for each."""
    index = next((i for i, c in enumerate(sheet.rows[header_row])
                  if header_key(c) == normalise_header(header)), None)
    if index is None:
        return []
    known = vocab.lookup()
    done = {normalise_header(k) for k in (mapped or {})}
    probe = Recognised(sheet, SOURCES_LIST[0], header_row, {}, ())
    counts: Counter[str] = Counter()
    for _, cells in probe.data_rows():
        value = cells[index] if index < len(cells) else None
        if parse.is_blank(value):
            continue
        text = parse.parse_text(value) or ""
        key = normalise_header(text)
        if key not in known and key not in done:
            counts[text] += 1
    return [UnknownValue(v, n, suggest_value(vocab, v)) for v, n in counts.most_common()]


def draft_target(source: str, columns: Mapping[str, str | None],
                 constants: Mapping[str, str] | None = None,
                 values: Mapping[str, Mapping[str, str]] | None = None,
                 replace: str = "source") -> Target:
    """A target from the user's choices: contract column -> file header (None or blank:
    not mapped), fixed values, and vocabulary mappings."""
    return Target(
        source,
        columns={c: (h,) for c, h in columns.items() if h and h != FIXED_LABEL},
        constants={c: str(v) for c, v in (constants or {}).items() if str(v).strip()},
        values={c: dict(v) for c, v in (values or {}).items() if v},
        replace="project" if replace == "project" else "source",
    )


def draft_profile(name: str, proposal: Proposal, targets: Sequence[Target]) -> Profile:
    """A profile for the sheet of ``proposal``, remembering its header set so that the
    next file with the same headers is mapped by it automatically."""
    return Profile(name=" ".join(name.split()), targets=tuple(targets),
                   headers=proposal.headers)


def proposal_target(proposal: SourceProposal) -> Target:
    """The proposal's choices as a target (what the Import page starts from)."""
    return draft_target(proposal.source, {c.column: c.header for c in proposal.choices})


def vocab_column(source: str, column: str) -> Vocabulary | None:
    """The vocabulary of a contract column, or None for a free column."""
    spec = SOURCES[source].column(column)
    return VOCABULARIES[spec.vocab] if spec.kind == "vocab" and spec.vocab else None
