"""Microsoft Project and Primavera files (.mpp, .mpx, MSPDI .xml, P6 .xer) read with MPXJ.

One file is one project. MPXJ is a Java library (``mpxj`` on PyPI bundles its jars and
reaches them through JPype), so the Java virtual machine is started once per process,
lazily, when the first such file arrives, and never for spreadsheets. Nothing Java-shaped
leaves this module: a file becomes two ``Recognised`` sheets of contract columns,

- ``project`` (one ``projects`` row): project_id, project_name, service_group, stage,
  start_date, planned_end_date (the baseline finish; the current finish when the file has
  no baseline, said in the report), forecast_end_date, actual_end_date (when complete),
  project_manager, percent_complete and last_updated (the status date);
- ``tasks`` (``milestones`` rows, one per task flagged as a milestone; the "row" in error
  lines is the task ID): milestone_id (unique ID), milestone, baseline_date (baseline
  finish), forecast_date (finish), actual_date (actual finish), status,

which then validate and load like any sheet. Both replace only this project's rows. A file
that cannot be read (Java missing, corrupt, password-protected, an XML that is not a
project, no tasks) gives one ``Resolution.problem`` line and changes nothing.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pmo_data.profiles import FIXED_LABEL, Resolution
from pmo_data.readers import PROJECT_SUFFIXES, RawSheet
from pmo_data.recognise import Recognised
from pmo_data.schema import SOURCES, normalise_header

#: JVM options: a bounded heap, and no log4j status noise on stderr.
JVM_OPTIONS = ("-Xmx1g", "-Dlog4j2.statusLoggerLevel=OFF", "-Djava.awt.headless=true")
_LOCK = threading.Lock()
_REF = re.compile(r"^[A-Za-z]{0,8}[-_ ]?\d[\w-]*")


class ProjectFileError(Exception):
    """A project file that cannot be read; the message is one plain sentence."""


@dataclass(frozen=True)
class Milestone:
    """A task flagged as a milestone, in contract terms."""

    task_id: int
    unique_id: str
    name: str | None
    baseline_finish: date | None
    finish: date | None
    actual_finish: date | None
    percent_complete: float | None


@dataclass(frozen=True)
class ProjectData:
    """What is taken from one project file (plain Python values)."""

    title: str | None
    project_code: str | None
    category: str | None
    manager: str | None
    custom: Mapping[str, str]
    start: date | None
    finish: date | None
    baseline_finish: date | None
    actual_finish: date | None
    percent_complete: float | None
    status_date: date | None
    task_count: int
    milestones: tuple[Milestone, ...]


def is_project_file(name: str) -> bool:
    """True for a file name MPXJ should read (by suffix)."""
    return Path(name).suffix.lower() in PROJECT_SUFFIXES


def jvm_started() -> bool:
    """True once this process has started the Java virtual machine."""
    try:
        import jpype
    except ImportError:
        return False
    return bool(jpype.isJVMStarted())


def start_jvm() -> None:
    """Start the JVM with MPXJ's jars once per process (thread-safe); ProjectFileError when
    Java or the mpxj package is missing. ``PMO_JVM_PATH`` names libjvm if it is not found."""
    with _LOCK:
        try:
            import jpype
            import mpxj  # noqa: F401 - adds MPXJ's jars to the class path
        except ImportError:
            raise ProjectFileError("reading Microsoft Project and Primavera files needs the "
                                   "mpxj and JPype1 packages (pip install -r "
                                   "requirements.txt)") from None
        if jpype.isJVMStarted():
            return
        path = os.environ.get("PMO_JVM_PATH") or None
        try:
            path = path or jpype.getDefaultJVMPath()
        except jpype.JVMNotFoundException:
            path = None
        if not path or not Path(path).exists():
            raise ProjectFileError("Java is not installed, and Microsoft Project and Primavera "
                                   "files need it: install a Java runtime (e.g. apt-get install "
                                   "default-jre-headless) or set PMO_JVM_PATH")
        try:
            jpype.startJVM(*JVM_OPTIONS, jvmpath=path, convertStrings=False)
        except OSError as exc:
            raise ProjectFileError(f"Java could not be started ({exc})") from None


def _date(value: Any) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _number(value: Any) -> float | None:
    if value is None:
        return None
    try:
        return float(value.doubleValue() if hasattr(value, "doubleValue") else value)
    except (TypeError, ValueError):
        return None


def _explain(exc: BaseException, suffix: str) -> str:
    text = str(exc).lower()
    if "password" in text or "encrypt" in text:
        return ("the project file is password-protected; save a copy without a password "
                "and import that")
    return _unreadable(suffix)


def _unreadable(suffix: str) -> str:
    if suffix == ".xml":
        return "this XML file is not a Microsoft Project (MSPDI) project file"
    kinds = {".xer": "Primavera P6 XER", ".mpx": "MPX"}
    return (f"not a readable {kinds.get(suffix, 'Microsoft Project')} file (damaged, or of "
            "another type)")


def _read_java(path: str, suffix: str) -> Any:
    from org.mpxj.reader import UniversalProjectReader

    try:
        project = UniversalProjectReader().read(path)
    except Exception as exc:  # MPXJException and Java runtime errors arrive as exceptions
        raise ProjectFileError(_explain(exc, suffix)) from None
    if project is None:
        raise ProjectFileError(_unreadable(suffix))
    return project


def _weighted_percent(leaves: list[Any]) -> float | None:
    """Per cent complete of the leaf tasks, weighted by each task's length in days."""
    total = done = 0.0
    for task in leaves:
        pct = _number(task.getPercentageComplete())
        start, finish = _date(task.getStart()), _date(task.getFinish())
        if pct is None:
            continue
        weight = max(1, (finish - start).days) if start and finish else 1
        total += weight
        done += weight * pct
    return round(done / total, 1) if total else None


def _extract(project: Any) -> ProjectData:
    props = project.getProjectProperties()
    tasks = [t for t in project.getTasks() if t is not None]
    real = [t for t in tasks if t.getID() is None or int(t.getID()) != 0]
    summary = next((t for t in tasks if t.getID() is not None and int(t.getID()) == 0), None)
    leaves = [t for t in real if not t.getSummary()]
    milestones = tuple(
        Milestone(int(t.getID()) if t.getID() is not None else 0, _text(t.getUniqueID()) or "",
                  _text(t.getName()), _date(t.getBaselineFinish()), _date(t.getFinish()),
                  _date(t.getActualFinish()), _number(t.getPercentageComplete()))
        for t in real if t.getMilestone() and not t.getSummary())
    starts = [d for d in (_date(t.getStart()) for t in real) if d]
    finishes = [d for d in (_date(t.getFinish()) for t in real) if d]
    baselines = [d for d in (_date(t.getBaselineFinish()) for t in real) if d]
    percent = _number(props.getPercentageComplete())
    if percent is None and summary is not None:
        percent = _number(summary.getPercentageComplete())
    if percent is None:
        percent = _weighted_percent(leaves)
    baseline = _date(props.getBaselineFinish()) or (
        _date(summary.getBaselineFinish()) if summary is not None else None) or (
        max(baselines) if baselines else None)
    custom = {}
    for key, value in dict(props.getCustomProperties() or {}).items():
        if _text(value):
            custom[normalise_header(str(key))] = _text(value) or ""
    actual = _date(props.getActualFinish()) or (
        _date(summary.getActualFinish()) if summary is not None else None)
    return ProjectData(
        title=_text(props.getProjectTitle()) or _text(props.getName()),
        project_code=_text(props.getProjectID()),
        category=_text(props.getCategory()),
        manager=_text(props.getManager()),
        custom=custom,
        start=_date(props.getStartDate()) or (min(starts) if starts else None),
        finish=_date(props.getFinishDate()) or (max(finishes) if finishes else None),
        baseline_finish=baseline,
        actual_finish=actual,
        percent_complete=percent,
        status_date=_date(props.getStatusDate()) or _date(props.getLastSaved()),
        task_count=len(leaves),
        milestones=milestones,
    )


def read_project(data: bytes, name: str) -> ProjectData:
    """Read a project file's bytes (starting the JVM if needed); ProjectFileError if the
    file cannot be read or holds no tasks."""
    suffix = Path(name).suffix.lower()
    if not data:
        raise ProjectFileError("the file is empty")
    if suffix == ".xml" and b"<Project" not in data[:4096] and b":Project" not in data[:4096]:
        raise ProjectFileError(_unreadable(suffix))
    start_jvm()
    with tempfile.TemporaryDirectory(prefix="pmo-project-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        project = _read_java(str(path), suffix)
        try:
            result = _extract(project)
        except Exception as exc:  # a Java error while walking the tasks
            raise ProjectFileError(f"the project file could not be read fully ({exc})"
                                   ) from None
    if result.task_count == 0:
        raise ProjectFileError("the project file has no tasks")
    return result


def _custom(data: ProjectData, column: str) -> str | None:
    spec = SOURCES["projects"].column(column)
    for key in (spec.name, *spec.aliases):
        if normalise_header(key) in data.custom:
            return data.custom[normalise_header(key)]
    return None


def _project_id(data: ProjectData, name: str) -> str:
    """The project's reference: a custom file property named like project_id, the P6
    project code, a reference at the start of the file name ("P0123 EPR.mpp"), or the
    file name without its suffix."""
    found = _custom(data, "project_id") or data.project_code
    if found:
        return found
    stem = Path(name).stem.strip()
    match = _REF.match(stem)
    return match.group(0).strip(" -_") if match and any(c.isdigit() for c in stem) else stem


def _stage(data: ProjectData) -> str:
    """Stage from progress: Closed when complete, Planning before any progress, else
    Delivery (a custom property "Stage" or "Phase" wins)."""
    custom = _custom(data, "stage")
    if custom:
        return custom
    if data.actual_finish or (data.percent_complete or 0) >= 100:
        return "Closed"
    if not data.percent_complete:
        return "Planning"
    return "Delivery"


def _status(m: Milestone) -> str:
    if m.actual_finish or (m.percent_complete or 0) >= 100:
        return "Complete"
    return "In progress" if m.percent_complete else "Not started"


@dataclass(frozen=True)
class _ProjectSheet(Recognised):
    """A ``Recognised`` whose rows are numbered by the file's own numbers (the task ID for
    milestones), so an error line points at the task in Microsoft Project."""

    numbered: tuple[tuple[int, tuple[Any, ...]], ...] = ()

    def data_rows(self) -> list[tuple[int, list[Any]]]:
        return [(number, list(cells)) for number, cells in self.numbered]


def _recognised(file: str, sheet: str, source: str, columns: dict[str, str],
                rows: dict[int, dict[str, Any]]) -> Recognised:
    names = list(columns)
    raw = RawSheet(file=file, sheet=sheet, rows=[names], errors={})
    mapping = {n: (i, columns[n]) for i, n in enumerate(names)}
    numbered = tuple((number, tuple(values.get(n) for n in names))
                     for number, values in sorted(rows.items()))
    return _ProjectSheet(raw, SOURCES[source], 0, mapping, (), numbered)


def to_resolution(data: ProjectData, name: str, settings: Mapping[str, str] | None = None
                  ) -> Resolution:
    """The project and its milestones as ``Recognised`` sheets (see module docstring).
    ``settings`` (``--set``, the Import page) give columns the file lacks, e.g.
    service_group, and win over the file."""
    settings = {k: v for k, v in (settings or {}).items() if str(v).strip()}
    fixed = f" {FIXED_LABEL}"
    pid = settings.get("project_id") or _project_id(data, name)
    group = settings.get("service_group") or _custom(data, "service_group") or data.category
    notes = []
    planned = data.baseline_finish
    if planned is None:
        planned = data.finish
        notes.append("no baseline in the file: planned end taken from the current finish")
    project = {
        "project_id": pid, "project_name": settings.get("project_name") or data.title
        or Path(name).stem, "service_group": group,
        "stage": settings.get("stage") or _stage(data), "start_date": data.start,
        "planned_end_date": planned, "forecast_end_date": data.finish,
        "actual_end_date": data.actual_finish
        if (data.percent_complete or 0) >= 100 or data.actual_finish else None,
        "project_manager": settings.get("project_manager") or data.manager,
        "percent_complete": data.percent_complete, "last_updated": data.status_date,
    }
    headers = {
        "project_id": "Project ID", "project_name": "Title", "service_group": "Category",
        "stage": "Stage", "start_date": "Start", "planned_end_date": "Baseline Finish",
        "forecast_end_date": "Finish", "actual_end_date": "Actual Finish",
        "project_manager": "Manager", "percent_complete": "% Complete",
        "last_updated": "Status Date",
    }
    for column in settings:
        if column in headers:
            headers[column] = column + fixed
    if group is None:
        notes.append("no service group in the file: set Category in the file's properties, or "
                     "give it with --set service_group=... or on the Import page")
    first = _recognised(name, "project", "projects", headers, {2: project})
    rows = {m.task_id if m.task_id > 0 else i + 1: {
        "project_id": pid, "milestone_id": m.unique_id, "milestone": m.name,
        "baseline_date": m.baseline_finish, "forecast_date": m.finish,
        "actual_date": m.actual_finish, "status": _status(m)}
        for i, m in enumerate(data.milestones)}
    milestone_headers = {"project_id": "Project ID", "milestone_id": "Unique ID",
                         "milestone": "Name", "baseline_date": "Baseline Finish",
                         "forecast_date": "Finish", "actual_date": "Actual Finish",
                         "status": "% Complete"}
    recognised: list[tuple[Recognised, Any]] = [(first, "project")]
    if rows:
        recognised.append((_recognised(name, "tasks", "milestones", milestone_headers, rows),
                           "project"))
    notes.insert(0, f"{_percent_text(data.percent_complete)} complete")
    shared = (f"project file read with MPXJ: {data.task_count} tasks, "
              f"{len(data.milestones)} milestones",)
    return Resolution(tuple(recognised), None, None, shared, "", {"projects": tuple(notes)})


def _percent_text(value: float | None) -> str:
    return "unknown %" if value is None else f"{value:g}%"


def resolve(data: bytes, name: str, settings: Mapping[str, str] | None = None) -> Resolution:
    """The import's hook for a project file: its sheets, or one problem line."""
    try:
        project = read_project(data, name)
    except ProjectFileError as exc:
        return Resolution(problem=str(exc))
    return to_resolution(project, name, settings)
