"""Size limits shared by the import (``pmo_data.ingest``, ``pmo_data.readers``) and the
Import page's uploader: the file size, and what a file may expand to (rows, columns, cells,
unzipped bytes, one cell's length).

Why this module exists: the page needs the limit before anything is uploaded, and importing
``pmo_data.ingest`` for it would load pydantic and every reader (~0.2 s) on the page's first
run; this module imports nothing heavy.
"""

from __future__ import annotations

import os

#: The largest file an import reads, unless ``PMO_MAX_UPLOAD_MB`` says otherwise. The Import
#: page's uploader uses the same limit; bigger files are refused before any parser runs.
DEFAULT_MAX_UPLOAD_MB = 50
MAX_FILE_BYTES = DEFAULT_MAX_UPLOAD_MB * 1024 * 1024


def max_upload_mb() -> int:
    """The upload and import size limit in MB (binary, 1 MB = 1,048,576 bytes).

    ``PMO_MAX_UPLOAD_MB`` when it holds a positive whole number, else 50.
    """
    try:
        value = int(os.environ.get("PMO_MAX_UPLOAD_MB", "").strip())
    except ValueError:
        return DEFAULT_MAX_UPLOAD_MB
    return value if value > 0 else DEFAULT_MAX_UPLOAD_MB


def max_file_bytes() -> int:
    """The size limit in bytes (see ``max_upload_mb``)."""
    return max_upload_mb() * 1024 * 1024


#: The longest text a cell may hold (Excel's own limit); a longer cell rejects its row.
MAX_CELL_CHARS = 32_767
DEFAULT_MAX_ROWS = 1_048_576  # Excel's row limit: no real export has more
DEFAULT_MAX_COLUMNS = 1_024
DEFAULT_MAX_CELLS = 10_000_000
DEFAULT_MAX_UNZIPPED_MB = 512


def _positive_int(name: str, default: int) -> int:
    try:
        value = int(os.environ.get(name, "").strip())
    except ValueError:
        return default
    return value if value > 0 else default


def max_rows() -> int:
    """Rows a sheet or CSV may have (``PMO_MAX_ROWS``, default 1,048,576, Excel's limit)."""
    return _positive_int("PMO_MAX_ROWS", DEFAULT_MAX_ROWS)


def max_columns() -> int:
    """Columns a sheet or CSV row may have (``PMO_MAX_COLUMNS``, default 1,024)."""
    return _positive_int("PMO_MAX_COLUMNS", DEFAULT_MAX_COLUMNS)


def max_cells() -> int:
    """Cells a sheet may span, rows x columns of its used range (``PMO_MAX_CELLS``, default
    10 million): what the workbook parser would build in memory."""
    return _positive_int("PMO_MAX_CELLS", DEFAULT_MAX_CELLS)


def max_unzipped_bytes() -> int:
    """The most a workbook may expand to when unzipped, all its parts together
    (``PMO_MAX_UNZIPPED_MB``, default 512 MB)."""
    return _positive_int("PMO_MAX_UNZIPPED_MB", DEFAULT_MAX_UNZIPPED_MB) * 1024 * 1024
