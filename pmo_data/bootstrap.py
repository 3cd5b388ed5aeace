"""First run: build the database from the demo exports so the app opens on real-looking data.

``streamlit run dashboard.py`` with no database generates ``data/sample/`` (if empty) and
imports it. A process-wide lock and a re-check stop two first visitors from importing twice.
"""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pmo_data.readers import supported
from pmo_data.store import Store

if TYPE_CHECKING:  # the import machinery (pydantic) loads only when there is no database
    from pmo_data.ingest import ImportReport, Progress

_LOCK = threading.Lock()


def ensure_database(db_path: Path, sample_dir: Path, *, as_at: date | None = None,
                    progress: Progress | None = None) -> ImportReport | None:
    """Import ``sample_dir`` into ``db_path`` if it has no version yet; generate the demo
    exports first if the folder holds none (and then the fictional peers' benchmarking
    snapshots in ``peers_dir``), then load the snapshots found there as the next version.
    Returns the exports' import report, or None if a database already existed."""
    with _LOCK:
        if Store(db_path).current() is not None:
            return None
        peers = peers_dir(sample_dir)
        if not sample_dir.exists() or not any(
            p.is_file() and supported(p) for p in sample_dir.iterdir()
        ):
            from pmo_data.demo import write_demo_exports
            from pmo_data.demo_peers import write_peer_snapshots

            if progress:
                progress(0.05, "Generating demo exports")
            write_demo_exports(sample_dir, as_at=as_at or date.today())
            if not any(peers.glob("*.parquet")):  # fictional peers go with the demo only
                write_peer_snapshots(peers, as_at=as_at or date.today())
        from pmo_data.ingest import import_paths

        report = import_paths([sample_dir], db_path, progress=progress, user="first-run")
        if report.version is not None and any(peers.glob("*.parquet")):
            from pmo_data.benchmark import import_paths as import_snapshots

            import_snapshots([peers], db_path, user="first-run")  # a second version
        return report


def peers_dir(sample_dir: Path) -> Path:
    """Where first run finds peer trusts' benchmarking snapshots: ``peers/`` beside the
    sample folder (not inside it: the import of the sample folder would read the CSVs)."""
    return sample_dir.parent / "peers"
