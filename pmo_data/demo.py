"""Synthetic exports of a fictional NHS trust, written the way real exports look.

Why this module exists: the dashboard must be demonstrable, testable and benchmarkable without
any real trust's data. `write_demo_exports` produces the files a PMO would export from its tools
for "Northshire Hospitals NHS Foundation Trust" (fictional) from April 2023 to an as-at date:

- ``ppm_export.xlsx``: the PPM platform's project register, highlight reports, milestones and
  RAID log (title rows above the headers, human headers, a trailing Total row, a hidden sheet);
- ``benefits_register.csv``: the benefits register, Windows-1252, ``£1,234.50`` money and UK dates;
- ``training_records.xlsx``: one row per person per course session, with a staff name column
  that the importer must drop;
- ``pmo_service_log.csv``: the PMO's own service log (UTF-8 with BOM, ``dd-Mon-yyyy`` dates);
- ``five_year_plan.xlsx``: KPI targets 2025/26 to 2029/30, monthly hand-kept KPIs, maturity.

Everything is drawn from ``random.Random`` streams seeded by (seed, source), so the same seed,
as-at date and scale give byte-identical files. Vocabulary is deliberately untidy (mixed case and
synonyms), and a few genuinely bad rows are planted, listed in `PLANTED_BAD_ROWS`, so the data
quality view has something true to show. No real person, place or trust is described.
"""

from __future__ import annotations

import bisect
import csv
import io
import math
import random
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook

__all__ = [
    "DATA_START",
    "PLANTED_BAD_ROWS",
    "TRUST_NAME",
    "PlantedBadRow",
    "write_demo_exports",
]

TRUST_NAME = "Northshire Hospitals NHS Foundation Trust"
DATA_START = date(2023, 4, 1)
EARLIEST_AS_AT = date(2024, 4, 1)

PPM_FILE = "ppm_export.xlsx"
BENEFITS_FILE = "benefits_register.csv"
TRAINING_FILE = "training_records.xlsx"
SERVICE_LOG_FILE = "pmo_service_log.csv"
PLAN_FILE = "five_year_plan.xlsx"

SHEET_PROJECTS = "Projects"
SHEET_REPORTS = "Highlight Reports"
SHEET_MILESTONES = "Milestones"
SHEET_RAID = "RAID Log"
SHEET_LOOKUPS = "Lookups"
SHEET_TRAINING = "Attendance"
SHEET_KPI_PLAN = "KPI Plan"
SHEET_KPI_ACTUALS = "KPI Actuals"
SHEET_MATURITY = "Maturity"


@dataclass(frozen=True)
class PlantedBadRow:
    """One deliberately wrong row: where it is, which canonical column is wrong and why."""

    source: str
    column: str
    value: str
    what: str
    file: str
    sheet: str | None = None


DUPLICATE_BENEFIT_ID = "BEN-0012"

PLANTED_BAD_ROWS: tuple[PlantedBadRow, ...] = (
    PlantedBadRow("projects", "project_id", "", "new pipeline idea added without a reference",
                  PPM_FILE, SHEET_PROJECTS),
    PlantedBadRow("projects", "priority", "7", "priority outside 1-5 (typed 7)",
                  PPM_FILE, SHEET_PROJECTS),
    PlantedBadRow("status_reports", "overall_rag", "Purple", "RAG colour not in the vocabulary",
                  PPM_FILE, SHEET_REPORTS),
    PlantedBadRow("milestones", "baseline_date", "12/25/2025", "US-style month/day date",
                  PPM_FILE, SHEET_MILESTONES),
    PlantedBadRow("raid", "likelihood", "0", "likelihood 0 (scale is 1-5)", PPM_FILE, SHEET_RAID),
    PlantedBadRow("raid", "raid_type", "Opportunity", "RAID type not in the vocabulary",
                  PPM_FILE, SHEET_RAID),
    PlantedBadRow("raid", "review_date", "31/02/2026", "impossible date (31 February)",
                  PPM_FILE, SHEET_RAID),
    PlantedBadRow("benefits", "benefit_id", DUPLICATE_BENEFIT_ID,
                  "benefit_id used twice (the later row is the copy)", BENEFITS_FILE),
    PlantedBadRow("benefits", "target_value", "TBC", "text in a numeric column", BENEFITS_FILE),
    PlantedBadRow("training", "session_date", "31/09/2025", "impossible date (31 September)",
                  TRAINING_FILE, SHEET_TRAINING),
    PlantedBadRow("training", "attendance", "Attnded", "misspelt attendance status",
                  TRAINING_FILE, SHEET_TRAINING),
    PlantedBadRow("service_requests", "hours", "3.5 hrs", "text in a numeric column",
                  SERVICE_LOG_FILE),
    PlantedBadRow("kpi_actuals", "value", "540 approx", "text in a numeric column",
                  PLAN_FILE, SHEET_KPI_ACTUALS),
    PlantedBadRow("maturity", "level", "6", "maturity level outside 1-5",
                  PLAN_FILE, SHEET_MATURITY),
)


def _bad(source: str, column: str) -> PlantedBadRow:
    """The planted bad row for (source, column)."""
    return next(b for b in PLANTED_BAD_ROWS if b.source == source and b.column == column)


# --------------------------------------------------------------------------------------------
# Vocabulary and content pools
# --------------------------------------------------------------------------------------------

SERVICE_GROUPS: dict[str, int] = {
    "Medicine": 14, "Surgery": 12, "Women and Children": 8, "Clinical Support": 9,
    "Community": 10, "Mental Health": 8, "Corporate": 9, "Digital": 10,
}
SHIFTS = ("Hospital to community", "Sickness to prevention", "Analogue to digital")
SHIFT_WEIGHTS: dict[str, tuple[int, int, int, int]] = {  # h2c, s2p, a2d, none
    "Medicine": (45, 20, 20, 15), "Surgery": (25, 10, 40, 25),
    "Women and Children": (35, 30, 20, 15), "Clinical Support": (20, 15, 50, 15),
    "Community": (60, 25, 10, 5), "Mental Health": (35, 40, 15, 10),
    "Corporate": (5, 25, 30, 40), "Digital": (5, 5, 85, 5),
}
PROGRAMMES: dict[str, tuple[str, ...]] = {
    "Medicine": ("Urgent and Emergency Care", "Frailty and Virtual Wards"),
    "Surgery": ("Elective Recovery", "Theatres Productivity"),
    "Women and Children": ("Maternity Improvement", "Children and Young People"),
    "Clinical Support": ("Diagnostics Recovery", "Medicines Optimisation"),
    "Community": ("Neighbourhood Health", "Intermediate Care"),
    "Mental Health": ("Mental Health Crisis Pathways", "Dementia and Older Adults"),
    "Corporate": ("Workforce and Wellbeing", "Green Plan", "Financial Recovery"),
    "Digital": ("Electronic Patient Record", "Digital Front Door"),
}
PROJECT_STEMS: dict[str, tuple[str, ...]] = {
    "Medicine": ("Same day emergency care expansion", "Frailty virtual ward",
                 "Respiratory virtual ward", "Acute medical unit flow", "Discharge to assess",
                 "Endoscopy capacity recovery", "Diabetes remote monitoring",
                 "Stroke pathway redesign"),
    "Surgery": ("Theatre scheduling optimisation", "Day case surgery expansion",
                "Orthopaedic elective hub", "Pre-operative assessment redesign",
                "Surgical site infection reduction", "Ophthalmology high-volume lists",
                "Robotic surgery programme", "Patient-initiated follow-up"),
    "Women and Children": ("Maternity continuity of carer", "Neonatal cot capacity review",
                           "Paediatric asthma community pathway", "Maternity digital notes",
                           "Children's outpatient transformation",
                           "Perinatal mental health liaison", "Induction of labour pathway",
                           "Transition to adult services"),
    "Clinical Support": ("Community diagnostic centre", "Pathology network integration",
                         "Radiology reporting backlog", "Pharmacy dispensing robotics",
                         "Electronic prescribing and medicines administration",
                         "Phlebotomy booking system", "Seven-day therapies service",
                         "Imaging AI triage pilot"),
    "Community": ("Neighbourhood health team", "Urgent community response",
                  "Intermediate care bed review", "District nursing scheduling",
                  "Care home support service", "Community wound clinic",
                  "Integrated falls prevention", "Hospital at home"),
    "Mental Health": ("Mental health crisis café", "24/7 liaison psychiatry",
                      "Dementia care pathway", "Mental health emergency department",
                      "Eating disorder early intervention", "Psychological support for staff",
                      "Out of area placements reduction", "Digital talking therapies"),
    "Corporate": ("Temporary staffing reduction", "Anaesthetic gases reduction",
                  "Estates energy efficiency", "Recruitment process redesign",
                  "Procurement savings programme", "Staff wellbeing hubs",
                  "Sustainable travel plan", "Freedom to speak up review"),
    "Digital": ("Electronic patient record upgrade", "Patient portal",
                "Mobile clinical noting", "Wi-Fi and network refresh",
                "Cyber security improvement", "Robotic process automation",
                "Digital outpatient letters", "Data warehouse modernisation"),
}
SITES = ("Northshire General Hospital", "Riverside Community Hospital", "St Aidan's Hospital",
         "Westbrook Health Centre")
STAGE_SHARES: dict[str, float] = {
    "Pipeline": 0.07, "Initiation": 0.08, "Planning": 0.11, "Delivery": 0.34,
    "Closure": 0.06, "Closed": 0.22, "On hold": 0.05, "Cancelled": 0.07,
}
ACTIVE_STAGES = ("Initiation", "Planning", "Delivery", "Closure")
STAGE_SPELLINGS: dict[str, tuple[str, ...]] = {
    "Pipeline": ("pipeline", "PIPELINE"),
    "Initiation": ("Start up", "Initiate", "initiation"),
    "Planning": ("planning", "PLANNING"),
    "Delivery": ("In progress", "in progress", "Execution", "DELIVERY"),
    "Closure": ("closure",),
    "Closed": ("COMPLETE", "Completed", "Complete", "closed"),
    "On hold": ("On Hold", "ON HOLD", "on hold"),
    "Cancelled": ("cancelled", "CANCELLED"),
}
PMO_SERVICES: dict[str, int] = {"Immersive PM": 50, "Coaching": 20, "Self-managed": 30}
RAG5 = ("Green", "Amber/Green", "Amber", "Amber/Red", "Red")
RAG_SPELLINGS: dict[str, tuple[str, ...]] = {
    "Green": ("G", "green", "GREEN"),
    "Amber/Green": ("A/G", "AG", "Amber-Green", "amber/green"),
    "Amber": ("A", "amber"),
    "Amber/Red": ("A/R", "AR", "amber-red", "Amber-Red"),
    "Red": ("R", "red"),
    "Blue": ("B", "Complete", "blue"),
}
RAG3_SPELLINGS: dict[str, tuple[str, ...]] = {
    "Green": ("G", "On track", "green"),
    "Amber": ("A", "At risk", "amber"),
    "Red": ("R", "Off track", "red"),
}
SRO_ROLES = ("Chief Operating Officer", "Chief Nursing Officer", "Chief Medical Officer",
             "Director of Finance", "Chief Digital Information Officer", "Director of Strategy",
             "Director of People")

AREAS = ("procurement", "clinical engagement", "estates works", "system integration",
         "recruitment", "data migration", "training roll-out", "information governance sign-off",
         "supplier onboarding", "workforce planning")
TASKS = ("current-state process mapping", "the data protection impact assessment",
         "user acceptance testing", "staff engagement sessions", "the benefits baseline",
         "the supplier demonstration", "the equality impact assessment",
         "the pilot on two wards", "the standard operating procedure", "the options appraisal",
         "the communications plan", "the training needs analysis")
BOARDS = ("the programme board", "the divisional board", "the digital design authority",
          "the investment committee", "the clinical reference group")
SUMMARIES: dict[int, tuple[str, ...]] = {
    0: ("Delivery on track against the agreed plan.",
        "Good progress this period; no escalations required.",
        "All workstreams on plan and benefits tracking as expected.",
        "Milestones met this month; team and stakeholders engaged."),
    1: ("Broadly on track; minor slippage in {area} being managed.",
        "Progress good; watching resourcing for {area}.",
        "On plan overall with one workstream needing attention ({area})."),
    2: ("Some slippage in {area}; recovery plan agreed with the SRO.",
        "Resourcing pressure in {area} is delaying {task}.",
        "Behind plan on {area}; re-baseline under discussion."),
    3: ("Significant delay in {area}; recovery plan not yet agreed.",
        "Costs and timescales at risk because of {area}; escalated."),
    4: ("Critical path at risk: {area} delayed; escalated to {board}.",
        "Project off track; decision needed from {board} on scope.",
        "Go-live date will be missed because of {area}; exception report raised."),
}
ACHIEVEMENTS = ("Completed {task}.", "Signed off {task}.", "Presented progress to {board}.",
                "Finished {task} with clinical leads.", "Agreed next phase scope with the SRO.")
NEXT_STEPS = ("Start {task}.", "Present {task} to {board}.", "Complete {task}.",
              "Confirm resourcing for {area}.", "Review risks with the SRO.")

MILESTONE_NAMES = ("Project initiation document approved", "Business case approved",
                   "Benefits baseline agreed", "Stakeholder engagement complete",
                   "Procurement complete", "Design signed off", "Build complete",
                   "User acceptance testing complete", "Staff training complete", "Go-live",
                   "Post-implementation review", "Project closure report approved")

RAID_TYPES: dict[str, int] = {"Risk": 55, "Issue": 25, "Assumption": 10, "Dependency": 10}
RAID_TITLES: dict[str, tuple[str, ...]] = {
    "Risk": ("Insufficient clinical backfill to release staff", "Supplier may not deliver on time",
             "Funding not confirmed beyond March", "Data migration quality may delay go-live",
             "Clinical engagement may be lower than needed",
             "Estates works may uncover asbestos", "Key staff may leave during delivery",
             "Interface with the patient record may not be ready",
             "Winter pressures may pause the pilot"),
    "Issue": ("Go-live date missed due to supplier delay", "Recruitment to band 6 posts failed",
              "Equipment costs above budget", "Training attendance below plan",
              "Network outages on the pilot ward", "Information governance approval outstanding"),
    "Assumption": ("Funding continues next financial year",
                   "Clinical leads available one session a week", "Ward layout unchanged",
                   "Licence costs fixed for three years"),
    "Dependency": ("Patient record upgrade go-live", "Estates refurbishment of ward 12",
                   "ICB approval of the business case", "Regional pathology network contract",
                   "Wi-Fi refresh in outpatients"),
}
MITIGATIONS = ("Escalated to programme board; weekly supplier calls",
               "Backfill agreed with the divisional management team",
               "Contingency in plan; alternative supplier identified",
               "Early engagement through the clinical reference group",
               "Phased roll-out to reduce impact", "Monitored monthly; no action needed yet",
               "Business case addendum to be submitted")
OWNER_ROLES = ("Project Manager", "SRO", "Head of Procurement", "Clinical Lead",
               "Digital Delivery Lead", "Estates Manager", "Finance Business Partner",
               "Workforce Lead", "Deputy Director of Operations", "Head of Nursing")

BENEFIT_CATEGORIES = ("Cash-releasing", "Non-cash-releasing", "Quality", "Patient experience",
                      "Staff experience", "Safety", "Societal", "Environmental")
BENEFIT_CATEGORY_WEIGHTS = (25, 20, 15, 12, 10, 8, 5, 5)
# category -> (measure, unit, baseline, target); baseline/target are central values.
BENEFIT_MEASURES: dict[str, tuple[tuple[str, str, float, float], ...]] = {
    "Cash-releasing": (("Annual agency spend saving", "£", 0, 120000),
                       ("Annual drug cost saving", "£", 0, 60000),
                       ("Outsourcing cost avoided", "£", 0, 250000),
                       ("Annual energy cost saving", "£", 0, 40000)),
    "Non-cash-releasing": (("Clinical hours released per month", "hours", 0, 300),
                           ("Bed days saved per month", "bed days", 0, 120),
                           ("Administrative hours released per month", "hours", 0, 200)),
    "Quality": (("30-day readmission rate", "%", 12.5, 10.0),
                ("Average length of stay", "days", 6.4, 5.5),
                ("Patients waiting over 18 weeks", "patients", 900, 600)),
    "Patient experience": (("Friends and Family Test positive score", "%", 86, 92),
                           ("Complaints per month", "complaints", 24, 15)),
    "Staff experience": (("Staff survey engagement score", "score out of 10", 6.8, 7.2),
                         ("Staff turnover", "%", 13.5, 11.0)),
    "Safety": (("Medication incidents per month", "incidents", 40, 28),
               ("Falls with harm per 1,000 bed days", "rate", 0.9, 0.6),
               ("Pressure ulcers per month", "incidents", 18, 10)),
    "Societal": (("Local residents recruited to entry-level roles", "people", 0, 25),
                 ("Patients referred to social prescribing", "people", 40, 150)),
    "Environmental": (("Carbon emissions avoided per year", "tCO2e", 0, 120),
                      ("Paper printed per month", "sheets", 250000, 150000),
                      ("Patient journeys avoided per month", "journeys", 0, 800)),
}
BENEFIT_OWNERS = ("Divisional Director of Operations", "Head of Nursing", "Clinical Director",
                  "Finance Business Partner", "Head of Workforce", "Sustainability Manager",
                  "Chief Digital Information Officer", "Patient Experience Lead")

COURSES: tuple[tuple[str, int, int, int], ...] = (  # name, sessions per run, runs a year, weight
    ("Introduction to Project Management", 3, 12, 30),
    ("PPM platform basics", 1, 10, 20),
    ("Benefits Realisation", 1, 6, 12),
    ("Risk Management", 1, 6, 12),
    ("Managing Change", 2, 4, 8),
    ("Agile in Healthcare", 1, 4, 6),
    ("Writing a Business Case", 1, 4, 6),
    ("Highlight Reporting and RAID", 1, 4, 6),
)
STAFF_GROUPS: dict[str, int] = {
    "Nursing and Midwifery": 30, "Admin and Clerical": 26, "AHP": 14, "Medical and Dental": 8,
    "Healthcare Scientists": 7, "Estates": 5, "Additional Clinical Services": 6,
    "Additional Professional Scientific and Technical": 4,
}
BANDS: dict[str, int] = {"Band 5": 15, "Band 6": 30, "Band 7": 30, "Band 8a": 18, "Band 8b": 7}
# Distinct staff with an Attended session per FY (scale 1); 2025/26 drawn in 111..117.
TRAINED_BY_FY: dict[int, int] = {2023: 72, 2024: 95}
TRAINED_CURRENT_PACE = 115
FIRST_NAMES = ("Aisha", "Alex", "Amelia", "Ben", "Callum", "Chloe", "Daniel", "Deepa", "Eleanor",
               "Emeka", "Fatima", "Freya", "Gareth", "Grace", "Hannah", "Harry", "Imran", "Isla",
               "Jack", "Jasmine", "Joanne", "Kofi", "Laura", "Liam", "Lucy", "Mark", "Megan",
               "Mohammed", "Nadia", "Niamh", "Oliver", "Olivia", "Priya", "Rachel", "Rhys",
               "Rosa", "Sam", "Sarah", "Sean", "Sophie", "Tariq", "Tom", "Wei", "Zoe")
SURNAMES = ("Ahmed", "Bailey", "Bennett", "Brown", "Campbell", "Chen", "Clarke", "Davies",
            "Edwards", "Evans", "Fraser", "Green", "Hall", "Hughes", "Iqbal", "Jones", "Kaur",
            "Khan", "Lewis", "Mensah", "Morgan", "Murphy", "Nowak", "O'Brien", "Okafor",
            "Patel", "Price", "Roberts", "Shah", "Singh", "Taylor", "Thomas", "Walker",
            "Watson", "Williams", "Wilson", "Wood", "Wright", "Young")

SERVICE_RATES: dict[str, float] = {  # requests a month at scale 1 (Immersive PM comes separately)
    "Coaching": 2.4, "Project design workshop": 1.1, "Reporting support": 1.8,
    "PPM platform onboarding": 2.2, "Assurance review": 0.7, "Advice": 4.5,
}
SERVICE_LINK_SHARE: dict[str, float] = {
    "Coaching": 0.7, "Project design workshop": 0.5, "Reporting support": 0.6,
    "PPM platform onboarding": 0.6, "Assurance review": 0.9, "Advice": 0.2,
}
SERVICE_DAYS: dict[str, tuple[int, int]] = {
    "Coaching": (30, 150), "Project design workshop": (1, 14), "Reporting support": (7, 60),
    "PPM platform onboarding": (3, 30), "Assurance review": (14, 45), "Advice": (0, 3),
}
SERVICE_HOURS: dict[str, tuple[float, float]] = {
    "Coaching": (4, 20), "Project design workshop": (6, 16), "Reporting support": (2, 12),
    "PPM platform onboarding": (1, 6), "Assurance review": (10, 30), "Advice": (0.5, 3),
}
SERVICE_OUTCOMES: dict[str, tuple[str, ...]] = {
    "Immersive PM": ("Project delivered with PMO project manager; handed to operations",
                     "Project closed; lessons learned shared", "Support ended at project pause"),
    "Coaching": ("PM confident to run project independently", "Coaching sessions completed",
                 "Signposted to Introduction to Project Management"),
    "Project design workshop": ("Scope, objectives and plan agreed", "PID drafted at workshop"),
    "Reporting support": ("Highlight report template adopted", "Monthly reporting established"),
    "PPM platform onboarding": ("Project set up on the PPM platform", "Users trained and live"),
    "Assurance review": ("Gateway review completed; actions agreed",
                         "Assurance report to programme board"),
    "Advice": ("Advice given by email", "Templates shared", "Referred to coaching"),
}

HAND_KEPT_KPIS = ("NETWORK_EVENTS", "PPM_ADOPTION", "KNOWLEDGE_HUB_VIEWS")
# code -> (name, unit, direction, service area, targets 2025/26..2029/30)
KPI_PLAN: dict[str, tuple[str, str, str, str, tuple[float, ...]]] = {
    "TRAINED_STAFF": ("Staff trained in project management", "staff", "up",
                      "PM Training and Education", (120, 120, 120, 120, 120)),
    "PROJECTS_SUPPORTED": ("Projects given immersive PM support", "projects", "up",
                           "PM Services", (20, 20, 20, 20, 20)),
    "HIGHLIGHT_COMPLIANCE": ("Active projects with a highlight report in the last month", "%",
                             "up", "PMO Services", (90, 90, 90, 90, 90)),
    "NETWORK_EVENTS": ("PM network events", "events", "up", "PM Training and Education",
                       (24, 24, 24, 24, 24)),
    "PPM_ADOPTION": ("Projects reporting in the PPM platform", "%", "up", "PMO Services",
                     (80, 85, 90, 95, 95)),
    "KNOWLEDGE_HUB_VIEWS": ("PM knowledge hub page views", "views", "up",
                            "PM Training and Education", (6000, 6500, 7000, 7500, 8000)),
}
PLAN_YEARS = (2025, 2026, 2027, 2028, 2029)
MATURITY_PERSPECTIVES: dict[str, str] = {
    "Organisational governance": "Portfolio board terms of reference and decision log",
    "Management control": "Stage gates applied to projects on the PPM platform",
    "Benefits management": "Benefits register with owners and baselines",
    "Risk management": "RAID logs reviewed monthly; risk escalation route",
    "Stakeholder management": "Stakeholder maps and engagement plans in PIDs",
    "Finance management": "Budget and spend tracked per project each month",
    "Resource management": "PMO capacity plan and demand pipeline",
}
MONTH_ABBR = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
              "Dec")

Row = dict[str, object]


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------

def _rng(seed: int, name: str) -> random.Random:
    """An independent, reproducible random stream per source (str seeds hash via sha512)."""
    return random.Random(f"pmo-demo:{seed}:{name}")


def _weighted(rng: random.Random, weights: dict[str, int] | dict[str, float]) -> str:
    """One key drawn with the given weights."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _quota(rng: random.Random, weights: dict[str, float] | dict[str, int], n: int) -> list[str]:
    """n labels in proportion to weights (exact counts, each label at least once), shuffled."""
    total = sum(weights.values())
    counts = {k: max(1, round(n * w / total)) for k, w in weights.items()}
    largest = max(counts, key=lambda k: counts[k])
    counts[largest] += n - sum(counts.values())
    labels = [k for k, c in counts.items() for _ in range(c)]
    rng.shuffle(labels)
    return labels


def _spell(rng: random.Random, canonical: str, spellings: dict[str, tuple[str, ...]],
           p: float = 0.15) -> str:
    """The canonical value, or with probability p one of its accepted spellings."""
    variants = spellings.get(canonical)
    if variants and rng.random() < p:
        return rng.choice(variants)
    return canonical


def _days(d: date, n: int) -> date:
    return d + timedelta(days=n)


def _month_start(d: date) -> date:
    return d.replace(day=1)


def _add_months(d: date, n: int) -> date:
    """First of the month n months after d's month."""
    m = d.year * 12 + d.month - 1 + n
    return date(m // 12, m % 12 + 1, 1)


def _month_end(d: date) -> date:
    return _add_months(d, 1) - timedelta(days=1)


def _month_ends(after: date, until: date) -> list[date]:
    """Month-end dates m with after < m <= until."""
    out: list[date] = []
    m = _month_end(after)
    if m <= after:
        m = _month_end(_add_months(after, 1))
    while m <= until:
        out.append(m)
        m = _month_end(_add_months(m, 1))
    return out


def _fy(d: date) -> int:
    """Starting year of the NHS financial year holding d."""
    return d.year if d.month >= 4 else d.year - 1


def _weekday(d: date) -> date:
    """d moved forward to a Tuesday-Thursday (training runs mid-week)."""
    while d.weekday() not in (1, 2, 3):
        d += timedelta(days=1)
    return d


def _uk(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _dmon(d: date) -> str:
    return f"{d.day:02d}-{MONTH_ABBR[d.month]}-{d.year}"


def _gbp(v: float) -> str:
    return f"£{v:,.2f}"


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.2f}".rstrip("0").rstrip(".")


def _poisson(rng: random.Random, lam: float) -> int:
    """Poisson draw (Knuth for small means, normal approximation for large)."""
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _slip(rng: random.Random) -> int:
    """Days a forecast or milestone slips: mostly none, a tail of weeks to months."""
    r = rng.random()
    if r < 0.55:
        return rng.randint(-10, 0)
    if r < 0.80:
        return rng.randint(1, 21)
    if r < 0.95:
        return rng.randint(22, 75)
    return rng.randint(76, 180)


def _overrun(rng: random.Random) -> int:
    """Days a closed project finished after its planned end (median about six weeks)."""
    r = rng.random()
    if r < 0.15:
        return rng.randint(-21, 0)
    if r < 0.60:
        return rng.randint(1, 60)
    if r < 0.90:
        return rng.randint(61, 150)
    return rng.randint(151, 300)


# --------------------------------------------------------------------------------------------
# Projects
# --------------------------------------------------------------------------------------------

@dataclass
class Project:
    """One project and the hidden facts that drive its reports (stop date, reporting habit)."""

    project_id: str
    name: str
    service_group: str
    programme: str
    pmo_service: str
    shift: str | None
    priority: int
    project_manager: str
    sro: str
    stage: str
    start: date
    planned_end: date
    forecast_end: date
    actual_end: date | None
    stop: date | None  # last day work (and reporting) happened; None for pipeline
    budget: float
    spend: float = 0.0
    last_updated: date | None = None
    propensity: float = 0.93
    troubled: bool = False
    misses_latest: bool = False

    def progress(self, on: date) -> float:
        """Fraction of the (forecast) duration elapsed on a date, 0..1."""
        total = max(1, (self.forecast_end - self.start).days)
        return min(1.0, max(0.0, (on - self.start).days / total))


def _timeline(rng: random.Random, stage: str, as_at: date) -> tuple[date, date, date, date | None,
                                                                     date | None]:
    """(start, planned_end, forecast_end, actual_end, stop) consistent with the stage at as_at."""
    span = (as_at - DATA_START).days
    if stage == "Pipeline":
        start = _days(as_at, rng.randint(14, 240))
        planned = _days(start, rng.randint(180, 720))
        return start, planned, planned, None, None
    if stage == "Closed":
        duration, over = rng.randint(150, 600), _overrun(rng)
        late = max(0, over)
        duration = min(duration, max(60, span - 7 - late))
        start = _days(DATA_START, rng.randint(0, max(0, span - 7 - late - duration)))
        planned = _days(start, duration)
        actual = min(_days(planned, over), _days(as_at, -7))
        return start, planned, actual, actual, actual
    if stage == "Closure":
        planned = _days(as_at, -rng.randint(-20, 100))
        start = max(DATA_START, _days(planned, -rng.randint(240, 900)))
        forecast = max(_days(planned, max(0, _slip(rng))), _days(as_at, rng.randint(7, 60)))
        return start, planned, forecast, None, as_at
    if stage == "On hold":
        start = _days(as_at, -rng.randint(150, span))
        planned = _days(start, rng.randint(300, 900))
        hold = _days(as_at, -rng.randint(30, min(240, (as_at - start).days - 60)))
        return start, planned, _days(planned, rng.randint(60, 240)), None, hold
    if stage == "Cancelled":
        start = _days(DATA_START, rng.randint(0, span - 120))
        cancel = _days(start, rng.randint(60, min(400, (as_at - start).days - 10)))
        planned = _days(start, rng.randint(240, 800))
        return start, planned, planned, None, cancel
    ago = {"Initiation": (3, 110), "Planning": (45, 300), "Delivery": (120, span)}[stage]
    start = _days(as_at, -rng.randint(ago[0], min(ago[1], span)))
    planned = _days(start, rng.randint(240, 1000))
    forecast = _days(planned, max(0, _slip(rng)) if stage != "Initiation" else 0)
    if forecast < _days(as_at, 14):
        forecast = _days(as_at, rng.randint(14, 150))
    return start, planned, forecast, None, as_at


def _project_names(rng: random.Random, groups: list[str]) -> list[str]:
    """A name per project from its service group's stems, made unique by site, then phase."""
    used: set[str] = set()
    names: list[str] = []
    for group in groups:
        stem = rng.choice(PROJECT_STEMS[group])
        base = stem if stem not in used else f"{stem} - {rng.choice(SITES)}"
        name, phase = base, 1
        while name in used:
            phase += 1
            name = f"{base} (phase {phase})"
        used.add(name)
        names.append(name)
    return names


def _money(rng: random.Random, project: Project, as_at: date) -> tuple[float, float]:
    """(budget, spend to date) in pounds."""
    budget = round(math.exp(rng.uniform(math.log(20_000), math.log(2_500_000))) / 500) * 500
    if project.stage == "Pipeline":
        return budget, 0.0
    if project.stage == "Closed":
        return budget, round(budget * rng.uniform(0.85, 1.15), 2)
    on = project.stop or as_at
    spent = budget * project.progress(on) * rng.uniform(0.8, 1.2)
    return budget, round(spent, 2)


def _make_projects(seed: int, as_at: date, scale: int) -> list[Project]:
    """The project register, ordered and numbered by start date."""
    rng = _rng(seed, "projects")
    n = 80 * scale
    stages = _quota(rng, STAGE_SHARES, n)
    groups = _quota(rng, SERVICE_GROUPS, n)
    names = _project_names(rng, groups)
    projects: list[Project] = []
    for stage, group, name in zip(stages, groups, names, strict=True):
        start, planned, forecast, actual, stop = _timeline(rng, stage, as_at)
        service = _weighted(rng, PMO_SERVICES)
        shift_pick = rng.choices([*SHIFTS, ""], weights=SHIFT_WEIGHTS[group])[0]
        if service == "Immersive PM":
            manager = f"PMO Project Manager {rng.randint(1, 6 * scale)}"
        else:
            manager = f"{group} Project Lead {rng.randint(1, 3 * scale)}"
        sro = rng.choice((*SRO_ROLES, f"Divisional Director of Operations ({group})",
                          f"Divisional Director of Operations ({group})"))
        project = Project(
            project_id="", name=name, service_group=group,
            programme=rng.choice(PROGRAMMES[group]), pmo_service=service,
            shift=shift_pick or None, priority=rng.choices(range(1, 6), (10, 25, 35, 20, 10))[0],
            project_manager=manager, sro=sro, stage=stage, start=start, planned_end=planned,
            forecast_end=forecast, actual_end=actual, stop=stop, budget=0.0,
            propensity=0.92 if rng.random() < 0.6 else 0.75, troubled=rng.random() < 0.2,
        )
        project.budget, project.spend = _money(rng, project, as_at)
        projects.append(project)
    projects.sort(key=lambda p: (p.start, p.name))
    for i, project in enumerate(projects, start=1):
        project.project_id = f"PRJ-{i:04d}"
    active = [p for p in projects if p.stage in ACTIVE_STAGES]
    for p in rng.sample(active, round(0.12 * len(active))):
        p.misses_latest = True  # highlight compliance lands near 85-88%
    return projects


def _project_rows(seed: int, projects: list[Project], as_at: date,
                  reports: list[Row]) -> list[Row]:
    """Register rows (canonical keys) with untidy stage spelling and the planted bad rows."""
    rng = _rng(seed, "project_rows")
    latest: dict[str, date] = {}
    for r in reports:
        if isinstance(r["report_date"], date):
            latest[str(r["project_id"])] = r["report_date"]  # reports are in date order
    rows: list[Row] = []
    for p in projects:
        updated = latest.get(p.project_id) or p.stop or _days(as_at, -rng.randint(0, 60))
        updated = min(as_at, _days(updated, rng.randint(0, 9)))
        rows.append({
            "project_id": p.project_id, "project_name": p.name, "service_group": p.service_group,
            "programme": p.programme, "pmo_service": p.pmo_service, "strategic_shift": p.shift,
            "priority": p.priority, "project_manager": p.project_manager, "sro": p.sro,
            "stage": _spell(rng, p.stage, STAGE_SPELLINGS),
            "start_date": p.start, "planned_end_date": p.planned_end,
            "forecast_end_date": p.forecast_end, "actual_end_date": p.actual_end,
            "budget_gbp": p.budget, "spend_to_date_gbp": p.spend, "last_updated": updated,
        })
    pipeline = next(r for r, p in zip(rows, projects, strict=True) if p.stage == "Pipeline")
    pipeline["priority"] = int(_bad("projects", "priority").value)
    rows.append({  # a new idea typed in before the platform gave it a reference
        "project_id": None, "project_name": "Discharge lounge relocation",
        "service_group": "Medicine", "programme": "Urgent and Emergency Care",
        "pmo_service": "Self-managed", "strategic_shift": None, "priority": 3,
        "project_manager": "Medicine Project Lead 1", "sro": "Chief Operating Officer",
        "stage": "Pipeline", "start_date": _days(as_at, 75), "planned_end_date": _days(as_at, 300),
        "forecast_end_date": None, "actual_end_date": None, "budget_gbp": 85000.0,
        "spend_to_date_gbp": 0.0, "last_updated": as_at,
    })
    return rows


# --------------------------------------------------------------------------------------------
# Highlight reports, milestones, RAID
# --------------------------------------------------------------------------------------------

def _next_rag(rng: random.Random, state: int, troubled: bool) -> int:
    """One step of the five-point delivery-confidence Markov chain: mostly stable."""
    r = rng.random()
    if r < 0.80:
        return state
    worse = rng.random() < (0.65 if troubled else 0.42)
    step = 1 if r < 0.97 else 2
    return min(4, max(0, state + (step if worse else -step)))


def _sub_rag(rng: random.Random, state: int) -> str:
    """A three-point RAG for one dimension, correlated with the overall state."""
    level = (0, 0 if rng.random() < 0.6 else 1, 1, 1 if rng.random() < 0.5 else 2, 2)[state]
    if rng.random() < 0.15:
        level = min(2, max(0, level + rng.choice((-1, 1))))
    return _spell(rng, ("Green", "Amber", "Red")[level], RAG3_SPELLINGS, 0.1)


def _fill(rng: random.Random, template: str) -> str:
    return template.format(area=rng.choice(AREAS), task=rng.choice(TASKS),
                           board=rng.choice(BOARDS))


def _project_reports(rng: random.Random, p: Project, as_at: date) -> list[Row]:
    """Monthly highlight reports for one project, some months missed."""
    if p.stop is None:
        return []
    until = min(as_at, _days(p.stop, 31) if p.stage == "Closed" else p.stop)
    state = rng.choices(range(5), (40, 30, 20, 7, 3))[0]
    pct = 0
    rows: list[Row] = []
    months = _month_ends(p.start, until)
    for i, month_end in enumerate(months):
        state = _next_rag(rng, state, p.troubled)
        pct = max(pct, min(95, round(100 * p.progress(month_end) * rng.uniform(0.85, 1.05))))
        last = i == len(months) - 1
        last_closed = p.stage == "Closed" and last
        recent = p.stage in ACTIVE_STAGES and (as_at - month_end).days <= 31
        if recent and p.misses_latest:
            continue
        if not (last_closed or (recent and last)) and rng.random() > p.propensity:
            continue
        overall = _spell(rng, RAG5[state], RAG_SPELLINGS)
        if last_closed:
            pct = 100
            if rng.random() < 0.5:
                overall = _spell(rng, "Blue", RAG_SPELLINGS, 0.3)
        rows.append({
            "project_id": p.project_id, "report_date": month_end, "overall_rag": overall,
            "schedule_rag": _sub_rag(rng, state), "cost_rag": _sub_rag(rng, state),
            "risk_rag": _sub_rag(rng, state), "benefits_rag": _sub_rag(rng, state),
            "percent_complete": pct, "summary": _fill(rng, rng.choice(SUMMARIES[state])),
            "achievements": _fill(rng, rng.choice(ACHIEVEMENTS)),
            "next_steps": _fill(rng, rng.choice(NEXT_STEPS)), "author": p.project_manager,
        })
    return rows


def _make_reports(seed: int, projects: list[Project], as_at: date) -> list[Row]:
    """All highlight reports, in project then date order, with one RAG typed as 'Purple'."""
    rng = _rng(seed, "status_reports")
    rows: list[Row] = []
    planted = False
    for p in projects:
        mine = _project_reports(rng, p, as_at)
        if not planted and p.stage == "Delivery" and len(mine) >= 6:
            mine[2]["overall_rag"] = _bad("status_reports", "overall_rag").value
            planted = True
        rows.extend(mine)
    return rows


def _milestone_status(rng: random.Random, baseline: date, forecast: date, as_at: date) -> str:
    late = (forecast - baseline).days
    if late > 21:
        return rng.choice(("Late", "Delayed", "late"))
    if late > 0:
        return "At risk"
    return "Not started" if baseline > _days(as_at, 60) else rng.choice(("On track", "On Track"))


def _project_milestones(rng: random.Random, p: Project, as_at: date) -> list[Row]:
    """4-7 milestones between start and planned end; done, open, or dropped if cancelled."""
    if p.stop is None:
        return []
    k = rng.randint(4, 7)
    names = [MILESTONE_NAMES[i] for i in sorted(rng.sample(range(len(MILESTONE_NAMES)), k))]
    fractions = sorted(rng.uniform(0.05, 0.95) for _ in range(k - 1)) + [1.0]
    length = (p.planned_end - p.start).days
    rows: list[Row] = []
    for name, frac in zip(names, fractions, strict=True):
        baseline = _days(p.start, round(length * frac))
        due = _days(baseline, _slip(rng))
        actual: date | None = None
        forecast: date | None
        if p.stage == "Closed":
            actual = min(due, p.stop)
        elif due <= min(p.stop, _days(as_at, -3)):
            actual = due
        if actual is not None:
            forecast, status = actual, _spell(rng, "Complete", {"Complete": ("COMPLETE",
                                                                              "complete")})
        elif p.stage == "Cancelled":
            continue
        elif p.stage == "On hold":
            forecast, status = None, "On hold"
        else:
            forecast = max(due, _days(as_at, rng.randint(1, 30)))
            status = _milestone_status(rng, baseline, forecast, as_at)
        rows.append({"project_id": p.project_id, "milestone": name, "baseline_date": baseline,
                     "forecast_date": forecast, "actual_date": actual, "status": status})
    return rows


def _make_milestones(seed: int, projects: list[Project], as_at: date) -> list[Row]:
    """All milestones with sequential ids; one baseline typed US-style."""
    rng = _rng(seed, "milestones")
    rows = [row for p in projects for row in _project_milestones(rng, p, as_at)]
    for i, row in enumerate(rows, start=1):
        row["milestone_id"] = f"MS-{i:05d}"
    target = next(r for r in rows if r["actual_date"] is None and r["forecast_date"] is not None)
    target["baseline_date"] = _bad("milestones", "baseline_date").value
    return rows


def _raid_item(rng: random.Random, p: Project, as_at: date) -> Row:
    """One RAID entry for a project that has started."""
    kind = _weighted(rng, RAID_TYPES)
    end = min(as_at, p.stop or as_at)
    raised = _days(p.start, rng.randint(0, max(0, (end - p.start).days)))
    likelihood = impact = None
    if kind == "Risk":
        likelihood = rng.choices(range(1, 6), (10, 25, 30, 25, 10))[0]
        impact = rng.choices(range(1, 6), (8, 22, 32, 26, 12))[0]
    elif kind == "Issue":
        impact = rng.choices(range(1, 6), (10, 25, 35, 20, 10))[0]
    finished = p.stage in ("Closed", "Cancelled")
    closed: date | None = None
    if finished or ((as_at - raised).days > 45 and rng.random() < 0.5):
        closed = _days(raised, rng.randint(7, max(7, (end - raised).days)))
        closed = min(closed, end)
    review = None if closed else _days(as_at, rng.randint(-70, 45))
    status = "Closed" if closed else "Open"
    return {
        "project_id": p.project_id, "raid_type": kind, "title": rng.choice(RAID_TITLES[kind]),
        "status": _spell(rng, status, {"Open": ("open", "OPEN"), "Closed": ("closed",)}),
        "likelihood": likelihood, "impact": impact, "owner": rng.choice(OWNER_ROLES),
        "raised_date": raised, "review_date": review, "closed_date": closed,
        "mitigation": rng.choice(MITIGATIONS) if kind in ("Risk", "Issue") else None,
    }


def _make_raid(seed: int, projects: list[Project], as_at: date) -> list[Row]:
    """The RAID log: 1-7 items per started project plus three planted bad entries."""
    rng = _rng(seed, "raid")
    started = [p for p in projects if p.stop is not None]
    rows = [_raid_item(rng, p, as_at) for p in started for _ in range(rng.randint(1, 7))]
    active = [p for p in started if p.stage in ACTIVE_STAGES]
    extras = [
        ("likelihood", {"raid_type": "Risk", "title": "Theatre staff may not be released",
                        "likelihood": _bad("raid", "likelihood").value, "impact": 3}),
        ("raid_type", {"raid_type": _bad("raid", "raid_type").value,
                       "title": "Shared procurement with neighbouring trust could cut costs",
                       "likelihood": 3, "impact": 2}),
        ("review_date", {"raid_type": "Issue", "title": "Porters' rota not agreed",
                         "likelihood": None, "impact": 3,
                         "review_date": _bad("raid", "review_date").value}),
    ]
    for i, (_, overrides) in enumerate(extras):
        p = active[(i * 7) % len(active)]
        row = _raid_item(rng, p, as_at)
        row.update({"status": "Open", "closed_date": None, "review_date": _days(as_at, 14)})
        row.update(overrides)
        rows.insert(rng.randint(len(rows) // 2, len(rows)), row)
    for i, row in enumerate(rows, start=1):
        row["raid_id"] = f"RAID-{i:05d}"
    return rows


# --------------------------------------------------------------------------------------------
# Benefits
# --------------------------------------------------------------------------------------------

def _benefit(rng: random.Random, p: Project, category: str, as_at: date) -> Row:
    """One benefit row with values as numbers (money is formatted when written)."""
    measure, unit, base, target = rng.choice(BENEFIT_MEASURES[category])
    factor = rng.uniform(0.6, 1.6)
    places = 1 if unit in ("%", "days", "score out of 10", "rate", "tCO2e") else 0
    if unit == "£":
        places = 2
        target_value: float = round(target * factor / 500) * 500
        baseline: float | None = 0.0
    else:
        baseline = round(base * rng.uniform(0.9, 1.1), places)
        target_value = round(baseline + (target - base) * factor, places)
    target_date = _days(p.planned_end, rng.randint(60, 540))
    realised: float | None = None
    if p.stage == "Cancelled":
        status = "Withdrawn"
    elif target_date <= as_at:
        f = rng.choice((1.0, 1.0, 0.9, 0.7, 0.5, 0.0))
        realised = baseline + f * (target_value - baseline)
        status = "Realised" if f >= 0.9 else "Partially realised" if f > 0 else "Not realised"
    elif p.stage == "Closed" or (p.stage == "Delivery" and rng.random() < 0.3):
        f = rng.uniform(0.1, 0.7)
        realised = baseline + f * (target_value - baseline)
        status = rng.choice(("On track", "At risk"))
    else:
        status = rng.choice(("Not started", "On track", "On track", "At risk"))
    if realised is not None:
        realised = round(realised, places)
    return {
        "project_id": p.project_id, "category": category, "measure": measure, "unit": unit,
        "description": f"{measure} ({p.name})", "baseline_value": baseline,
        "target_value": target_value, "realised_value": realised, "target_date": target_date,
        "owner": rng.choice(BENEFIT_OWNERS), "status": status,
    }


def _make_benefits(seed: int, projects: list[Project], as_at: date) -> list[Row]:
    """Benefits of every category, some without baseline or owner, one duplicate id, one TBC."""
    rng = _rng(seed, "benefits")
    started = [p for p in projects if p.stop is not None]
    rows: list[Row] = []
    for p in started:
        for _ in range(rng.choices(range(5), (10, 30, 35, 18, 7))[0]):
            if len(rows) < len(BENEFIT_CATEGORIES):
                category = BENEFIT_CATEGORIES[len(rows)]
            else:
                category = rng.choices(BENEFIT_CATEGORIES, BENEFIT_CATEGORY_WEIGHTS)[0]
            row = _benefit(rng, p, category, as_at)
            if rng.random() < 0.08:
                row["baseline_value"] = None
            if rng.random() < 0.10:
                row["owner"] = None
            rows.append(row)
    tbc = _benefit(rng, started[len(started) // 2], "Quality", as_at)
    tbc.update({"target_value": _bad("benefits", "target_value").value,
                "realised_value": None, "status": "Not started"})
    rows.insert(len(rows) * 2 // 3, tbc)
    for i, row in enumerate(rows, start=1):
        row["benefit_id"] = f"BEN-{i:04d}"
    original = next(r for r in rows if r["benefit_id"] == DUPLICATE_BENEFIT_ID)
    copy = _benefit(rng, started[-1], "Staff experience", as_at)
    copy["benefit_id"] = original["benefit_id"]
    rows.insert(len(rows) - 3, copy)
    return rows


# --------------------------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------------------------

@dataclass
class Staff:
    """A member of staff in the training records (the name exists only in the export)."""

    staff_id: str
    name: str
    staff_group: str
    service_group: str
    band: str | None


class _StaffPool:
    """Creates staff on demand with unique assignment numbers."""

    def __init__(self, rng: random.Random, size_hint: int) -> None:
        self.rng = rng
        self.ids = iter(rng.sample(range(10_000_000, 40_000_000), size_hint))
        self.attended: list[Staff] = []

    def new(self) -> Staff:
        rng = self.rng
        group = _weighted(rng, STAFF_GROUPS)
        band = None if group == "Medical and Dental" else _weighted(rng, BANDS)
        return Staff(staff_id=str(next(self.ids)),
                     name=f"{rng.choice(SURNAMES)}, {rng.choice(FIRST_NAMES)}",
                     staff_group=group, service_group=_weighted(rng, SERVICE_GROUPS), band=band)


def _course_runs(rng: random.Random, fy: int, scale: int) -> dict[str, list[list[date]]]:
    """For each course, its runs in the FY, each run a list of session dates a week apart."""
    runs: dict[str, list[list[date]]] = {}
    fy_start = date(fy, 4, 1)
    for course, sessions, per_year, _ in COURSES:
        count = per_year * scale
        latest = (date(fy + 1, 3, 31) - fy_start).days - 7 * (sessions - 1) - 6
        course_runs = []
        for r in range(count):
            centre = round(365 * (r + 0.5) / count) + rng.randint(-10, 10)
            first = _weekday(_days(fy_start, max(0, min(latest, centre))))
            course_runs.append([_days(first, 7 * s) for s in range(sessions)])
        runs[course] = sorted(course_runs)
    return runs


def _attendance(rng: random.Random, attendee: bool) -> str:
    """Attendance for a past session (canonical value)."""
    if attendee:
        return rng.choices(("Attended", "Did not attend", "Cancelled", "Withdrawn"),
                           (87, 8, 4, 1))[0]
    return rng.choices(("Did not attend", "Cancelled", "Withdrawn"), (45, 40, 15))[0]


def _spell_attendance(rng: random.Random, value: str) -> str:
    spellings = {"Attended": ("attended",), "Did not attend": ("DNA", "DNA", "No show"),
                 "Cancelled": ("cancelled",), "Booked": ("Enrolled", "Placed", "Waitlisted",
                                                         "booked")}
    p = {"Did not attend": 0.5, "Booked": 0.4}.get(value, 0.05)
    return _spell(rng, value, spellings, p)


def _training_row(rng: random.Random, s: Staff, course: str, when: date, value: str) -> Row:
    row: Row = {"staff_id": s.staff_id, "full_name": s.name, "staff_group": s.staff_group,
                "service_group": s.service_group, "band": s.band, "course": course,
                "session_date": when, "attendance": value, "completion": None,
                "feedback_score": None, "confidence_before": None, "confidence_after": None}
    if value == "Attended":
        row["completion"] = "Yes" if rng.random() < 0.95 else "No"
        if rng.random() < 0.75:
            before = rng.randint(2, 6)
            row["feedback_score"] = rng.choices(range(1, 6), (2, 5, 15, 40, 38))[0]
            row["confidence_before"] = before
            row["confidence_after"] = min(10, before + rng.randint(0, 4))
    elif value != "Booked":
        row["completion"] = "No"
    return row


def _nearest_run(runs: list[list[date]], target: date) -> list[date]:
    """The run whose first session is nearest to target (runs sorted by first session)."""
    starts = [run[0] for run in runs]
    i = bisect.bisect_left(starts, target)
    near = [j for j in (i - 1, i) if 0 <= j < len(runs)]
    return runs[min(near, key=lambda j: abs((starts[j] - target).days))]


def _person_sessions(rng: random.Random, runs: dict[str, list[list[date]]],
                     target: date) -> list[tuple[str, date]]:
    """The (course, session date) pairs one person booked in a FY.

    The first course is the run nearest to target (targets are spread evenly over the year,
    so distinct attendees accrue pro-rata); any further courses follow within six months.
    """
    courses = [c[0] for c in COURSES]
    weights = [c[3] for c in COURSES]
    first = rng.choices(courses, weights)[0]
    anchor_run = _nearest_run(runs[first], target)
    anchor = anchor_run[0]
    picks = [(first, anchor_run)]
    for _ in range(rng.choices((0, 1, 2, 3), (15, 30, 30, 25))[0]):
        course = rng.choices(courses, weights)[0]
        if any(course == c for c, _ in picks):
            continue
        starts = [run[0] for run in runs[course]]
        lo = bisect.bisect_left(starts, anchor)
        hi = bisect.bisect_right(starts, _days(anchor, 180))
        if lo < hi:
            picks.append((course, runs[course][rng.randrange(lo, hi)]))
    return [(c, d) for c, run in picks for d in run]


def _fy_people(rng: random.Random, pool: _StaffPool, n: int) -> list[Staff]:
    """n distinct attendees for a FY: about a quarter returning from earlier years."""
    returning = rng.sample(pool.attended, min(len(pool.attended), n // 4))
    people = returning + [pool.new() for _ in range(n - len(returning))]
    known = {s.staff_id for s in pool.attended}
    pool.attended.extend(s for s in people if s.staff_id not in known)
    return people


def _fy_session_row(rng: random.Random, person: Staff, course: str, when: date, as_at: date,
                    attendee: bool) -> Row:
    """A session row: Booked if after as_at, else an attendance outcome."""
    value = "Booked" if when > as_at else _attendance(rng, attendee)
    return _training_row(rng, person, course, when, value)


def _make_training(seed: int, as_at: date, scale: int) -> list[Row]:
    """One row per person per session, April 2023 to three months after as_at."""
    rng = _rng(seed, "training")
    horizon = _days(as_at, 90)
    targets = dict(TRAINED_BY_FY)
    targets[2025] = rng.randint(111, 117)
    years = range(2023, _fy(horizon) + 1)
    pool = _StaffPool(rng, 200 * scale * len(years))
    rows: list[Row] = []
    for fy in years:
        runs = _course_runs(rng, fy, scale)
        n = targets.get(fy, TRAINED_CURRENT_PACE) * scale
        attendees = _fy_people(rng, pool, n)
        others = [pool.new() for _ in range(round(0.07 * n))]
        attendee_ids = {s.staff_id for s in attendees}
        people = attendees + others
        rng.shuffle(people)
        for k, person in enumerate(people):
            is_attendee = person.staff_id in attendee_ids
            target = _days(date(fy, 4, 1), int(365 * (k + rng.random()) / len(people)))
            mine = [_fy_session_row(rng, person, c, d, as_at, is_attendee)
                    for c, d in _person_sessions(rng, runs, target) if d <= horizon]
            past = [r for r in mine if r["attendance"] != "Booked"]
            if is_attendee and past and all(r["attendance"] != "Attended" for r in past):
                i = mine.index(rng.choice(past))
                course, when = str(mine[i]["course"]), mine[i]["session_date"]
                assert isinstance(when, date)
                mine[i] = _training_row(rng, person, course, when, "Attended")
            rows.extend(mine)
    rows.sort(key=lambda r: (str(r["session_date"]), str(r["course"]), str(r["staff_id"])))
    for row in rows:
        row["attendance"] = _spell_attendance(rng, str(row["attendance"]))
    _plant_training(rows, as_at)
    return rows


def _plant_training(rows: list[Row], as_at: date) -> None:
    """Two hand-typed rows for staff who already attended (the distinct count is unaffected)."""
    attended = [r for r in rows if r["attendance"] == "Attended"
                and isinstance(r["session_date"], date)]
    in_2025 = [r for r in attended if str(r["session_date"]) >= "2025-04-01"
               and str(r["session_date"]) <= "2026-03-31"]
    people = {str(r["staff_id"]): r for r in (in_2025 or attended)}
    ids = sorted(people)
    first, second = people[ids[0]], people[ids[-1]]
    impossible = dict(first)
    impossible.update({"course": "Risk Management",
                       "session_date": _bad("training", "session_date").value,
                       "attendance": "Attended" if as_at > date(2025, 9, 30) else "Booked"})
    typo = dict(second)
    typo.update({"course": "Benefits Realisation",
                 "attendance": _bad("training", "attendance").value})
    for bad, near in ((impossible, date(2025, 9, 30)), (typo, second["session_date"])):
        at = next((i for i, r in enumerate(rows)
                   if isinstance(r["session_date"], date) and r["session_date"] > near),
                  len(rows))
        rows.insert(at, bad)


# --------------------------------------------------------------------------------------------
# PMO service log
# --------------------------------------------------------------------------------------------

def _immersive(rng: random.Random, projects: list[Project], as_at: date) -> list[Row]:
    """Immersive PM engagements for the projects the PMO manages, plus declined requests."""
    rows: list[Row] = []
    for p in projects:
        if p.stop is None:
            continue
        received = max(DATA_START, _days(p.start, -rng.randint(10, 60)))
        if p.pmo_service != "Immersive PM":
            if rng.random() < 0.08:
                status = rng.choice(("Declined", "Declined", "Cancelled"))
                rows.append({"project_id": p.project_id, "received_date": received,
                             "service": "Immersive PM", "service_group": p.service_group,
                             "status": status, "start_date": None, "end_date": None,
                             "hours": None,
                             "outcome": "Declined: PMO at capacity; coaching offered"
                             if status == "Declined" else "Withdrawn by the division"})
            continue
        start = min(as_at, _days(p.start, rng.randint(0, 30)))
        end: date | None = min(_days(start, rng.randint(120, 365)), p.stop)
        end = max(end, start)
        status = "Closed"
        if end >= as_at and p.stop >= as_at:
            end, status = None, "In progress"
        weeks = ((end or as_at) - start).days / 7
        rows.append({"project_id": p.project_id, "received_date": received,
                     "service": "Immersive PM", "service_group": p.service_group,
                     "status": status, "start_date": start, "end_date": end,
                     "hours": round(weeks * rng.uniform(6, 12) * 2) / 2,
                     "outcome": rng.choice(SERVICE_OUTCOMES["Immersive PM"])
                     if status == "Closed" else None})
    return rows


def _active_by_month(projects: list[Project], as_at: date) -> dict[date, list[Project]]:
    """Projects active in each month (for linking requests to projects quickly)."""
    out: dict[date, list[Project]] = {}
    for p in projects:
        if p.stop is None:
            continue
        m = _month_start(p.start)
        while m <= _month_start(min(p.stop, as_at)):
            out.setdefault(m, []).append(p)
            m = _add_months(m, 1)
    return out


def _other_request(rng: random.Random, service: str, received: date, as_at: date,
                   active: list[Project]) -> Row:
    """One non-immersive request received on a date."""
    project = rng.choice(active) if active and rng.random() < SERVICE_LINK_SHARE[service] \
        else None
    group = project.service_group if project else _weighted(rng, SERVICE_GROUPS)
    row: Row = {"project_id": project.project_id if project else None, "received_date": received,
                "service": service, "service_group": group, "start_date": None,
                "end_date": None, "hours": None, "outcome": None}
    r = rng.random()
    if (as_at - received).days < 14 and r < 0.6:
        row["status"] = "Received"
        return row
    if r < 0.04:
        row["status"], row["outcome"] = "Cancelled", "Requester withdrew"
        return row
    if r < 0.07:
        row["status"], row["outcome"] = "Declined", "Outside PMO remit; signposted"
        return row
    start = min(as_at, _days(received, rng.randint(0, 21)))
    end = _days(start, rng.randint(*SERVICE_DAYS[service]))
    lo, hi = SERVICE_HOURS[service]
    row["start_date"] = start
    row["hours"] = round(rng.uniform(lo, hi) * 2) / 2
    if end > as_at:
        row["status"] = "In progress"
    else:
        row["status"], row["end_date"] = "Closed", end
        row["outcome"] = rng.choice(SERVICE_OUTCOMES[service])
    return row


def _make_service_requests(seed: int, projects: list[Project], as_at: date,
                           scale: int) -> list[Row]:
    """The service log in received-date order with request ids; one hours typed with units."""
    rng = _rng(seed, "service_requests")
    rows = _immersive(rng, projects, as_at)
    active = _active_by_month(projects, as_at)
    month = DATA_START
    while month <= as_at:
        last_day = min(as_at, _month_end(month))
        for service, rate in SERVICE_RATES.items():
            if service == "PPM platform onboarding" and month >= date(2025, 4, 1):
                rate *= 1.8
            for _ in range(_poisson(rng, rate * scale)):
                received = _days(month, rng.randint(0, (last_day - month).days))
                rows.append(_other_request(rng, service, received, as_at,
                                           active.get(month, [])))
        month = _add_months(month, 1)
    rows.sort(key=lambda r: (str(r["received_date"]), str(r["service"]), str(r["project_id"])))
    for i, row in enumerate(rows, start=1):
        row["request_id"] = f"SR-{i:05d}"
        row["status"] = _spell(rng, str(row["status"]), {"In progress": ("in progress",
                                                                         "In Progress"),
                                                         "Closed": ("closed", "CLOSED")})
    advice = next(r for r in rows if r["service"] == "Advice" and r["hours"] is not None)
    advice["hours"] = _bad("service_requests", "hours").value
    return rows


# --------------------------------------------------------------------------------------------
# Five-year plan: KPI targets, hand-kept actuals, maturity
# --------------------------------------------------------------------------------------------

def _fy_label(year: int, form: int) -> str:
    """A financial year written in one of the accepted forms."""
    short = f"{(year + 1) % 100:02d}"
    return (f"{year}/{short}", f"{year}-{short}", f"FY{year % 100:02d}/{short}")[form % 3]


def _plan_year_label(year: int) -> str:
    return {2025: "Year one: come together", 2026: "Year two: build as one"}.get(year, "Improve")


def _make_kpi_plan() -> list[Row]:
    """Targets for every plan year and KPI (the same for any seed or scale)."""
    rows: list[Row] = []
    for k, (code, (name, unit, direction, area, targets)) in enumerate(KPI_PLAN.items()):
        for y, (year, target) in enumerate(zip(PLAN_YEARS, targets, strict=True)):
            rows.append({"kpi_code": code, "kpi_name": name, "service_area": area,
                         "financial_year": _fy_label(year, k + y),
                         "plan_year_label": _plan_year_label(year), "target": target,
                         "unit": unit, "direction": direction})
    return rows


def _kpi_value(rng: random.Random, code: str, month: date, after: bool, t: int) -> float:
    """One month of a hand-kept KPI; a step change after April 2025."""
    if code == "NETWORK_EVENTS":
        lam = 2.2 if after else 1.0
        if month.month in (8, 12):
            lam *= 0.4
        return float(_poisson(rng, lam))
    if code == "PPM_ADOPTION":
        level = 76.0 + 0.25 * (t - 25) if after else 52.0 + 0.1 * t
        return round(min(99.0, rng.gauss(level, 2.5)), 1)
    return float(round(rng.gauss(560 if after else 310, 45 if after else 35)))


def _make_kpi_actuals(seed: int, as_at: date) -> list[Row]:
    """Monthly values of the hand-kept KPIs from April 2023 to the last complete month."""
    rng = _rng(seed, "kpi_actuals")
    rows: list[Row] = []
    last = _add_months(as_at, -1)
    notes = {date(2025, 5, 1): "PM network relaunched; PPM platform mandated for all projects"}
    for code in HAND_KEPT_KPIS:
        month, t = DATA_START, 0
        while month <= last:
            after = month > date(2025, 4, 1)
            rows.append({"kpi_code": code, "period": month,
                         "value": _kpi_value(rng, code, month, after, t),
                         "note": notes.get(month) if code == "PPM_ADOPTION" else None})
            month, t = _add_months(month, 1), t + 1
    bad = next(r for r in rows if r["kpi_code"] == "KNOWLEDGE_HUB_VIEWS"
               and r["period"] == date(2023, 8, 1))
    bad["value"] = _bad("kpi_actuals", "value").value
    return rows


def _make_maturity(seed: int, as_at: date) -> list[Row]:
    """Half-yearly self-assessments (October and April) with slowly rising levels."""
    rng = _rng(seed, "maturity")
    levels = {p: rng.choice((1, 1, 2)) for p in MATURITY_PERSPECTIVES}
    rows: list[Row] = []
    when = date(2023, 10, 1)
    while when <= as_at:
        assessed = _weekday(_days(when, rng.randint(7, 20)))
        if assessed > as_at:
            break
        for perspective, evidence in MATURITY_PERSPECTIVES.items():
            if rows and rng.random() < 0.3:
                levels[perspective] = min(4, levels[perspective] + 1)
            rows.append({"assessment_date": assessed, "perspective": perspective,
                         "level": levels[perspective],
                         "target_level": 3 if assessed < date(2027, 4, 1) else 4,
                         "scope": "Trust-wide portfolio", "evidence": evidence})
        when = _add_months(when, 6)
    bad = next(r for r in rows if r["perspective"] == "Risk management")
    bad["level"] = int(_bad("maturity", "level").value)
    return rows


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------

Fmt = Callable[[object], object]


def _as_is(v: object) -> object:
    return v


def _fmt(kind: Callable[[date], object]) -> Fmt:
    """A date formatter that leaves None and already-typed text (planted values) alone."""
    def apply(v: object) -> object:
        return kind(v) if isinstance(v, date) else v
    return apply


UK = _fmt(_uk)
DMON = _fmt(_dmon)
Columns = Sequence[tuple[str, str, Fmt]]

PROJECT_COLUMNS: Columns = (
    ("Project Reference", "project_id", _as_is), ("Project Name", "project_name", _as_is),
    ("Directorate", "service_group", _as_is), ("Programme", "programme", _as_is),
    ("PMO Service", "pmo_service", _as_is), ("Strategic Shift", "strategic_shift", _as_is),
    ("Priority", "priority", _as_is), ("Project Manager", "project_manager", _as_is),
    ("SRO", "sro", _as_is), ("Phase", "stage", _as_is), ("Start Date", "start_date", _as_is),
    ("Planned Finish", "planned_end_date", _as_is),
    ("Forecast End Date", "forecast_end_date", _as_is),
    ("Actual End Date", "actual_end_date", _as_is), ("Budget GBP", "budget_gbp", _as_is),
    ("Spend To Date GBP", "spend_to_date_gbp", _as_is), ("Last Updated", "last_updated", UK),
)
REPORT_COLUMNS: Columns = (
    ("Project Reference", "project_id", _as_is), ("Reporting Period", "report_date", _as_is),
    ("Overall Status", "overall_rag", _as_is), ("Schedule RAG", "schedule_rag", _as_is),
    ("Cost RAG", "cost_rag", _as_is), ("Risk RAG", "risk_rag", _as_is),
    ("Benefits RAG", "benefits_rag", _as_is), ("Percent Complete", "percent_complete", _as_is),
    ("Summary", "summary", _as_is), ("Achievements", "achievements", _as_is),
    ("Next Steps", "next_steps", _as_is), ("Author", "author", _as_is),
)
MILESTONE_COLUMNS: Columns = (
    ("Milestone ID", "milestone_id", _as_is), ("Project Reference", "project_id", _as_is),
    ("Milestone", "milestone", _as_is), ("Baseline Date", "baseline_date", _as_is),
    ("Forecast Date", "forecast_date", _as_is), ("Actual Date", "actual_date", _as_is),
    ("Status", "status", _as_is),
)
RAID_COLUMNS: Columns = (
    ("RAID ID", "raid_id", _as_is), ("Project Reference", "project_id", _as_is),
    ("RAID Type", "raid_type", _as_is), ("Title", "title", _as_is), ("Status", "status", _as_is),
    ("Likelihood", "likelihood", _as_is), ("Impact", "impact", _as_is),
    ("Owner", "owner", _as_is), ("Raised Date", "raised_date", DMON),
    ("Review Date", "review_date", _as_is), ("Closed Date", "closed_date", UK),
    ("Mitigation", "mitigation", _as_is),
)
TRAINING_COLUMNS: Columns = (
    ("Assignment Number", "staff_id", _as_is), ("Full Name", "full_name", _as_is),
    ("Staff Group", "staff_group", _as_is), ("Division", "service_group", _as_is),
    ("Band", "band", _as_is), ("Course Title", "course", _as_is),
    ("Course Date", "session_date", _as_is), ("Attendance Status", "attendance", _as_is),
    ("Completion", "completion", _as_is), ("Feedback Score", "feedback_score", _as_is),
    ("Confidence Before", "confidence_before", _as_is),
    ("Confidence After", "confidence_after", _as_is),
)
BENEFIT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Benefit ID", "benefit_id"), ("Project ID", "project_id"), ("Description", "description"),
    ("Category", "category"), ("Measure", "measure"), ("Unit", "unit"),
    ("Baseline Value", "baseline_value"), ("Target Value", "target_value"),
    ("Realised Value", "realised_value"), ("Target Date", "target_date"), ("Owner", "owner"),
    ("Status", "status"),
)
SERVICE_COLUMNS: Columns = (
    ("Request ID", "request_id", _as_is), ("Received Date", "received_date", DMON),
    ("Service", "service", _as_is), ("Service Group", "service_group", _as_is),
    ("Project ID", "project_id", _as_is), ("Status", "status", _as_is),
    ("Start Date", "start_date", UK), ("End Date", "end_date", UK),
    ("Hours", "hours", lambda v: _num(v) if isinstance(v, float) else v),
    ("Outcome", "outcome", _as_is),
)
KPI_PLAN_COLUMNS: Columns = (
    ("KPI Code", "kpi_code", _as_is), ("KPI Name", "kpi_name", _as_is),
    ("Service Area", "service_area", _as_is), ("FY", "financial_year", _as_is),
    ("Plan Year Label", "plan_year_label", _as_is), ("Target", "target", _as_is),
    ("Unit", "unit", _as_is), ("Direction", "direction", _as_is),
)
KPI_ACTUAL_COLUMNS: Columns = (
    ("KPI Code", "kpi_code", _as_is), ("Period", "period", _as_is), ("Value", "value", _as_is),
    ("Note", "note", _as_is),
)
MATURITY_COLUMNS: Columns = (
    ("Assessment Date", "assessment_date", _as_is), ("Perspective", "perspective", _as_is),
    ("Level", "level", _as_is), ("Target Level", "target_level", _as_is),
    ("Scope", "scope", _as_is), ("Evidence", "evidence", _as_is),
)


def _table(columns: Columns, rows: Iterable[Row]) -> Iterable[list[object]]:
    """Header row then one list per row, each cell through its column's formatter."""
    yield [header for header, _, _ in columns]
    for row in rows:
        yield [fmt(row.get(key)) for _, key, fmt in columns]


def _sheet(wb: Workbook, title: str, preamble: Sequence[Sequence[object]],
           lines: Iterable[Sequence[object]]) -> None:
    """A write-only sheet: title rows, then the table."""
    ws = wb.create_sheet(title)
    for line in (*preamble, *lines):
        ws.append(list(line))


def _save(wb: Workbook, path: Path, stamp: datetime) -> None:
    """Save with fixed zip and document timestamps so the bytes depend only on the inputs."""
    wb.properties.creator = "PPM platform export"
    wb.properties.created = stamp
    buf = io.BytesIO()
    wb.save(buf)
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + iso, data)
            entry = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, data)


def _project_total(rows: list[Row]) -> list[object]:
    """The trailing 'Total' line of the register (budget and spend summed)."""
    line: list[object] = [None] * len(PROJECT_COLUMNS)
    line[0] = "Total"
    keys = [key for _, key, _ in PROJECT_COLUMNS]
    for key in ("budget_gbp", "spend_to_date_gbp"):
        line[keys.index(key)] = round(sum(float(str(r[key] or 0)) for r in rows), 2)
    return line


def _write_ppm(path: Path, stamp: datetime, projects: list[Row], reports: list[Row],
               milestones: list[Row], raid: list[Row]) -> None:
    """The PPM platform workbook: four sources plus a hidden Lookups sheet."""
    when = stamp.strftime("%d/%m/%Y %H:%M")
    wb = Workbook(write_only=True)
    _sheet(wb, SHEET_PROJECTS, [[f"Project register - exported {when}"], []],
           [*_table(PROJECT_COLUMNS, projects), [], _project_total(projects)])
    _sheet(wb, SHEET_REPORTS, [[TRUST_NAME], [f"Highlight reports - all periods - {when}"], []],
           _table(REPORT_COLUMNS, reports))
    _sheet(wb, SHEET_MILESTONES, [[f"Milestone tracker - exported {when}"]],
           _table(MILESTONE_COLUMNS, milestones))
    _sheet(wb, SHEET_RAID, [["RAID log"], [f"Exported {when} by PMO"], []],
           _table(RAID_COLUMNS, raid))
    lookups = wb.create_sheet(SHEET_LOOKUPS)
    lookups.sheet_state = "hidden"
    lists = (list(SERVICE_GROUPS), list(STAGE_SHARES), [*RAG5, "Blue"], list(PMO_SERVICES))
    lookups.append(["Directorate list", "Phase list", "RAG list", "PMO service list"])
    for i in range(max(len(x) for x in lists)):
        lookups.append([x[i] if i < len(x) else None for x in lists])
    _save(wb, path, stamp)


def _write_training(path: Path, stamp: datetime, rows: list[Row]) -> None:
    """The learning system's attendance report."""
    wb = Workbook(write_only=True)
    _sheet(wb, SHEET_TRAINING,
           [["Learning Hub: course attendance report (provider: Project Management Office)"],
            [f"Run date: {stamp.strftime('%d/%m/%Y %H:%M')}"], []],
           _table(TRAINING_COLUMNS, rows))
    _save(wb, path, stamp)


def _write_plan(path: Path, stamp: datetime, plan: list[Row], actuals: list[Row],
                maturity: list[Row]) -> None:
    """The PMO's own five-year plan workbook."""
    wb = Workbook(write_only=True)
    _sheet(wb, SHEET_KPI_PLAN,
           [[f"{TRUST_NAME} PMO five-year plan 2025/26 to 2029/30: KPI targets"], []],
           _table(KPI_PLAN_COLUMNS, plan))
    _sheet(wb, SHEET_KPI_ACTUALS, [], _table(KPI_ACTUAL_COLUMNS, actuals))
    _sheet(wb, SHEET_MATURITY, [["P3M3-style maturity self-assessment"]],
           _table(MATURITY_COLUMNS, maturity))
    _save(wb, path, stamp)


def _benefit_cell(row: Row, key: str) -> str:
    """A benefits CSV cell: £ money for cash-releasing values, UK dates, plain numbers."""
    v = row.get(key)
    if v is None:
        return ""
    if isinstance(v, date):
        return _uk(v)
    if isinstance(v, float | int) and key.endswith("_value"):
        return _gbp(float(v)) if row["unit"] == "£" else _num(float(v))
    return str(v)


def _write_csv(path: Path, lines: Iterable[Sequence[object]], encoding: str) -> None:
    """A CSV with Windows line endings in the given encoding (strict: no silent '?')."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for line in lines:
        writer.writerow(["" if v is None else v for v in line])
    path.write_bytes(out.getvalue().encode(encoding))


def _write_benefits(path: Path, rows: list[Row]) -> None:
    """The benefits register as saved from Excel on Windows (cp1252)."""
    lines = [[h for h, _ in BENEFIT_COLUMNS]]
    lines += [[_benefit_cell(r, key) for _, key in BENEFIT_COLUMNS] for r in rows]
    _write_csv(path, lines, "cp1252")


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------

def write_demo_exports(out_dir: Path, *, as_at: date, seed: int = 42, scale: int = 1) -> list[Path]:
    """Write the demo exports of the fictional trust into out_dir and return their paths.

    Covers April 2023 to ``as_at`` (training bookings run three months beyond it). The same
    ``seed``, ``as_at`` and ``scale`` give byte-identical files. ``scale`` multiplies volumes
    (projects, reports, milestones, benefits, RAID, training, service requests). The planted
    bad rows are listed in `PLANTED_BAD_ROWS`.
    """
    if isinstance(as_at, datetime):
        as_at = as_at.date()
    if as_at < EARLIEST_AS_AT:
        raise ValueError(f"as_at must be on or after {EARLIEST_AS_AT.isoformat()} (a year of data)")
    if not isinstance(scale, int) or scale < 1:
        raise ValueError("scale must be a positive integer")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    clock = _rng(seed, "clock")
    stamp = datetime(as_at.year, as_at.month, as_at.day, clock.randint(7, 17), clock.randint(0, 59))

    projects = _make_projects(seed, as_at, scale)
    reports = _make_reports(seed, projects, as_at)
    paths = [out_dir / name for name in (PPM_FILE, BENEFITS_FILE, TRAINING_FILE, SERVICE_LOG_FILE,
                                         PLAN_FILE)]
    _write_ppm(paths[0], stamp, _project_rows(seed, projects, as_at, reports), reports,
               _make_milestones(seed, projects, as_at), _make_raid(seed, projects, as_at))
    _write_benefits(paths[1], _make_benefits(seed, projects, as_at))
    _write_training(paths[2], stamp, _make_training(seed, as_at, scale))
    service = _make_service_requests(seed, projects, as_at, scale)
    _write_csv(paths[3], _table(SERVICE_COLUMNS, service), "utf-8-sig")
    _write_plan(paths[4], stamp, _make_kpi_plan(), _make_kpi_actuals(seed, as_at),
                _make_maturity(seed, as_at))
    return paths
