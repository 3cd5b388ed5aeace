"""Command line: ``python -m pmo_data demo | import | validate | rollback | metrics | spc | ...``.

A contract (docs/contract.md): tests and users script against it. Errors go to
stderr one line per problem (``file:sheet:row:column: message (value)``), never a traceback.
"""

from __future__ import annotations

import sys

from pmo_data.cli import main

if __name__ == "__main__":
    sys.exit(main())
