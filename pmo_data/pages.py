"""The page registry: every page of the app, declared once.

Why this module exists: a page's identity (its file, title, icon, address, the role it
needs, which Overview tiles and drill-down links open it) used to be written in five
places (the navigation, the tiles' links, the project links, the role checks and the
tests), so a renamed or new page could go missing from one of them. ``dashboard.py`` builds
its ``st.Page`` list from ``NAVIGATION``; the Overview's tiles, the project drill-down links,
the pages' own role checks and the tests all read the same entries.

Pure data, no streamlit. A page's address is Streamlit's default, the file's stem
(``pages/portfolio.py`` is served at ``/portfolio``); no page sets a custom ``url_path``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from pmo_data.access import ROLES

__all__ = ["NAVIGATION", "PAGES", "Page", "by_key", "link", "project_link", "tile_page"]


@dataclass(frozen=True)
class Page:
    """One page of the app.

    ``key`` is the file stem and the page's address (``pages/<key>.py``, ``/<key>``);
    ``title`` its navigation label and heading; ``icon`` a Material icon; ``section`` the
    navigation group; ``role`` the least role that may open it (``access.ROLES``);
    ``default`` marks the page served at the root. ``tiles`` are the catalogue codes whose
    Overview tile links here (``plan_kpis``: the five-year plan's own KPIs too), under
    ``link_label`` ("Open Training"). ``query`` names the query parameter the page reads to
    open one item (the Portfolio's ``project``), if any.
    """

    key: str
    title: str
    icon: str
    section: str
    role: str = "viewer"
    default: bool = False
    tiles: tuple[str, ...] = ()
    plan_kpis: bool = False
    link_label: str = ""
    query: str | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"page {self.key}: unknown role {self.role!r}")

    @property
    def path(self) -> str:
        """The page's script, relative to the app folder: ``pages/portfolio.py``."""
        return f"pages/{self.key}.py"

    @property
    def url_name(self) -> str:
        """The page's address (Streamlit's default: the file stem)."""
        return self.key

    @property
    def label(self) -> str:
        """How links to the page name it."""
        return self.link_label or self.title


#: Every page, in navigation order. Adding a page: its file in pages/, one entry here.
PAGES: tuple[Page, ...] = (
    Page("overview", "Overview", ":material/dashboard:", "Headlines", default=True),
    Page("portfolio", "Portfolio delivery", ":material/view_timeline:", "Headlines",
         tiles=("ACTIVE_PROJECTS", "HIGHLIGHT_COMPLIANCE", "PORTFOLIO_RAG",
                "MILESTONES_ON_TIME", "MILESTONE_SLIPPAGE_DAYS"), query="project"),
    Page("training", "Training reach", ":material/school:", "Headlines",
         tiles=("TRAINED_STAFF", "TRAINING_DNA_RATE"), link_label="Training"),
    Page("five_year_plan", "Five-year plan", ":material/flag:", "Headlines",
         tiles=("PROJECTS_SUPPORTED", "COACHING_ENGAGEMENTS"), plan_kpis=True),
    Page("shifts", "Three shifts", ":material/alt_route:", "Headlines"),
    Page("benefits", "Benefits", ":material/volunteer_activism:", "Governance",
         tiles=("BENEFITS_REALISED_GBP",)),
    Page("risks", "Risks and issues", ":material/warning:", "Governance",
         tiles=("OPEN_HIGH_RISKS",)),
    Page("portfolio_history", "Portfolio history", ":material/history:", "Governance"),
    Page("estimates", "Estimate realism", ":material/timelapse:", "Governance"),
    Page("pmo_value", "PMO value", ":material/savings:", "Analysis"),
    Page("prioritisation", "Prioritisation", ":material/low_priority:", "Analysis"),
    Page("network", "Network", ":material/hub:", "Analysis"),
    Page("explore", "Explore", ":material/query_stats:", "Board and explore"),
    Page("board_pack", "Board pack", ":material/co_present:", "Board and explore"),
    Page("import_data", "Import", ":material/upload_file:", "Data", role="importer"),
    Page("data_quality", "Data quality", ":material/fact_check:", "Data"),
)

_BY_KEY: dict[str, Page] = {p.key: p for p in PAGES}


def _navigation() -> dict[str, tuple[Page, ...]]:
    sections: dict[str, list[Page]] = {}
    for p in PAGES:
        sections.setdefault(p.section, []).append(p)
    return {name: tuple(members) for name, members in sections.items()}


#: Navigation sections in order, each with its pages in order (``st.navigation``'s shape).
NAVIGATION: dict[str, tuple[Page, ...]] = _navigation()


def by_key(key: str) -> Page:
    """The page with file stem ``key``; KeyError for an unknown page."""
    return _BY_KEY[key]


def tile_page(code: str) -> Page:
    """The page an Overview tile for catalogue ``code`` links to: the page listing the code
    in ``tiles``, else the page taking the plan's KPIs."""
    for p in PAGES:
        if code in p.tiles:
            return p
    return next(p for p in PAGES if p.plan_kpis)


def link(key: str, value: str) -> str:
    """A relative URL opening one item on page ``key`` through its ``query`` parameter:
    ``portfolio?project=P%201`` (URL-encoded; relative, so it works when the app is served
    under a path). ValueError for a page that opens no item."""
    page = by_key(key)
    if page.query is None:
        raise ValueError(f"page {key} opens no item")
    return f"{page.url_name}?{page.query}={quote(str(value), safe='')}"


def project_link(project_id: str) -> str:
    """The drill-down of one project (the page whose ``query`` is ``project``)."""
    return link(next(p.key for p in PAGES if p.query == "project"), project_id)


def _check() -> None:
    """Each catalogue code links from one page only, and one page takes the plan's KPIs."""
    seen: dict[str, str] = {}
    for p in PAGES:
        for code in p.tiles:
            if code in seen:
                raise ValueError(f"{code} is a tile of both {seen[code]} and {p.key}")
            seen[code] = p.key
    if sum(p.plan_kpis for p in PAGES) != 1 or sum(p.default for p in PAGES) != 1:
        raise ValueError("exactly one page takes the plan's KPIs and one is the default")


_check()
