"""PMO analytics engine: data contract, import, metrics, SPC, charts and exports.

This package is the whole of the dashboard's logic. It never imports streamlit, so the
command line, the board pack and the tests use exactly the numbers the pages show.
"""

__version__ = "0.1.0"
