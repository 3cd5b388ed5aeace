"""Size limits shared by the import (``pmo_data.ingest``) and the Import page's uploader.

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
