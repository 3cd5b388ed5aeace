"""Benchmarking snapshots of 12 fictional peer trusts, for the demo and the tests.

Why this module exists: the Network page must be demonstrable without any real trust's
figures. ``write_peer_snapshots`` writes, for three financial years up to the as-at date, the
snapshot files (Parquet + CSV twin, exactly as ``benchmark export`` writes them) of twelve
fictional trusts of different sizes, with a realistic spread around typical values, a gentle
improvement year on year, two clear outliers (Marchbank's highlight-report compliance far
below the network, Lowther Valley's training did-not-attend rate far above it) and one small
community trust (Harrowfield) whose small counts are suppressed. No real trust is described;
the codes (``ZP01``...) are not real ODS codes. Drawn from ``random.Random(seed)``, so the
same seed and as-at date give the same files.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pmo_data import benchmark, metrics
from pmo_data.parse import fy_bounds, fy_of

YEARS = 3
MARCHBANK, LOWTHER, HARROWFIELD = "ZP09", "ZP08", "ZP04"


@dataclass(frozen=True)
class Peer:
    """A fictional trust: code, name, headcount and a quality factor (about -1 to 1)."""

    code: str
    name: str
    headcount: int
    quality: float


PEERS: tuple[Peer, ...] = (
    Peer("ZP01", "Ashcombe Teaching Hospitals NHS Foundation Trust", 13800, 0.6),
    Peer("ZP02", "Brackenmoor Hospitals NHS Trust", 6900, -0.3),
    Peer("ZP03", "Eastmoor and District NHS Foundation Trust", 8200, 0.2),
    Peer(HARROWFIELD, "Harrowfield Community Health NHS Trust", 2100, 0.0),
    Peer("ZP05", "Fernleigh Mental Health NHS Foundation Trust", 4300, 0.4),
    Peer("ZP06", "Highcliffe General Hospital NHS Trust", 5600, -0.6),
    Peer("ZP07", "Kestrel Vale University Hospitals NHS Trust", 11200, 0.1),
    Peer(LOWTHER, "Lowther Valley Healthcare NHS Trust", 7400, -0.2),
    Peer(MARCHBANK, "Marchbank Hospitals NHS Trust", 9100, -0.4),
    Peer("ZP10", "Oakhurst and Pinewood NHS Foundation Trust", 6100, 0.8),
    Peer("ZP11", "Redmarsh Integrated Care NHS Trust", 4900, -0.1),
    Peer("ZP12", "Westvale Hospitals NHS Foundation Trust", 9800, 0.3),
)
TARGETS = {"TRAINED_STAFF": 120.0, "TRAINING_DNA_RATE": 10.0, "PROJECTS_SUPPORTED": 20.0,
           "COACHING_ENGAGEMENTS": 24.0, "HIGHLIGHT_COMPLIANCE": 90.0,
           "MILESTONES_ON_TIME": 75.0, "MILESTONE_SLIPPAGE_DAYS": 14.0,
           "BENEFITS_REALISED_GBP": 1_000_000.0, "OPEN_HIGH_RISKS": 10.0}


def _binomial(rng: random.Random, n: int, p: float) -> int:
    p = min(0.999, max(0.001, p))
    return sum(rng.random() < p for _ in range(n))


def _rate(code: str, num: int, den: int) -> benchmark.SnapshotRow:
    d = metrics.get_definition(code)
    value = 100.0 * num / den if den else None
    return benchmark.SnapshotRow(code, value, float(num), float(den), d.unit, d.direction,
                                 TARGETS.get(code))


def _value(code: str, value: float | None) -> benchmark.SnapshotRow:
    d = metrics.get_definition(code)
    count = d.unit == "count" and value is not None
    return benchmark.SnapshotRow(code, value, value if count else None, None, d.unit,
                                 d.direction, TARGETS.get(code))


def _floor(row: benchmark.SnapshotRow) -> benchmark.SnapshotRow:
    """``row`` with its counts raised to at least ``SUPPRESS_BELOW`` (value kept in step)."""
    low = float(benchmark.SUPPRESS_BELOW)
    if row.unit == "count" and row.value is not None and row.value < low:
        return _value(row.code, low)
    if row.unit == "%" and row.numerator is not None and row.denominator is not None:
        num = max(low, row.numerator)
        return _rate(row.code, int(num), int(max(num, row.denominator)))
    return row


def peer_snapshot(peer: Peer, fy: str, as_at: date, year_index: int, rng: random.Random
                  ) -> benchmark.Snapshot:
    """One peer's snapshot of ``fy`` (``year_index`` 0 for the oldest of the three years);
    a year still running at ``as_at`` has its cumulative counts so far."""
    start, end = fy_bounds(fy)
    at = min(as_at, end)
    share = min(1.0, max(0.05, ((at - start).days + 1) / ((end - start).days + 1)))
    q, size = peer.quality, peer.headcount / 8000
    better = 0.02 * year_index  # networks improve a little each year
    active = max(6, round(48 * size * rng.uniform(0.8, 1.2)))
    places = max(30, round(300 * size * share * rng.uniform(0.8, 1.2)))
    achieved = max(10, round(2.2 * active * share * rng.uniform(0.8, 1.2)))
    compliance = min(0.93, 0.84 + 0.03 * q + better + rng.gauss(0, 0.015))
    dna = 0.115 - 0.015 * q - better / 2 + rng.gauss(0, 0.01)
    if peer.code == MARCHBANK:
        compliance = 0.42 + better
    if peer.code == LOWTHER:
        dna = 0.27 - better / 2
    rows = [
        _value("TRAINED_STAFF", float(round((70 + 60 * size + 15 * q) * share
                                            * rng.uniform(0.85, 1.15)))),
        _rate("TRAINING_DNA_RATE", _binomial(rng, places, dna), places),
        _value("PROJECTS_SUPPORTED", float(round((8 + 10 * size) * rng.uniform(0.7, 1.3)))),
        _value("COACHING_ENGAGEMENTS", float(round((10 + 14 * size) * share
                                                   * rng.uniform(0.7, 1.3)))),
        _value("ACTIVE_PROJECTS", float(active)),
        _rate("HIGHLIGHT_COMPLIANCE", _binomial(rng, active, compliance), active),
        _rate("MILESTONES_ON_TIME", _binomial(rng, achieved, 0.64 + 0.06 * q + better),
              achieved),
        _value("MILESTONE_SLIPPAGE_DAYS", float(max(0, round(12 - 8 * q + rng.gauss(0, 4))))),
        _value("BENEFITS_REALISED_GBP", float(round(900_000 * size * (1 + 0.3 * q) * rng.uniform(
            0.6, 1.4), -3))),
        _value("OPEN_HIGH_RISKS", float(max(0, round((9 - 3 * q) * size
                                                     * rng.uniform(0.7, 1.3))))),
    ]
    if peer.code != HARROWFIELD:  # only Harrowfield has counts small enough to suppress
        rows = [_floor(r) for r in rows]
    if peer.code == HARROWFIELD:  # a small community trust: small counts
        small = {"PROJECTS_SUPPORTED": 3.0, "OPEN_HIGH_RISKS": 2.0, "COACHING_ENGAGEMENTS": 4.0}
        rows = [_value(r.code, small[r.code]) if r.code in small else r for r in rows]
        places = 40
        rows = [_rate(r.code, 3, places) if r.code == "TRAINING_DNA_RATE" else r for r in rows]
    org = benchmark.Organisation(peer.code, peer.name, peer.headcount)
    return benchmark.Snapshot(org, fy, at, tuple(benchmark.suppress(r) for r in rows))


def peer_snapshots(as_at: date, seed: int = 42) -> list[benchmark.Snapshot]:
    """Every peer's snapshot for the FY of ``as_at`` and the two before it."""
    first = int(fy_of(as_at)[:4]) - (YEARS - 1)
    years = [f"{y}/{(y + 1) % 100:02d}" for y in range(first, first + YEARS)]
    rng = random.Random(f"{seed}:peers")
    return [peer_snapshot(peer, fy, as_at, i, rng) for i, fy in enumerate(years)
            for peer in PEERS]


def write_peer_snapshots(out_dir: Path, *, as_at: date, seed: int = 42) -> list[Path]:
    """Write every peer snapshot (Parquet + CSV) into ``out_dir``; returns the paths."""
    paths: list[Path] = []
    for snap in peer_snapshots(as_at, seed):
        paths.extend(benchmark.write_snapshot(snap, out_dir))
    return paths
