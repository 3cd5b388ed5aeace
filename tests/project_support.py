"""Build Microsoft Project files at test time with MPXJ's own writers (MSPDI XML and MPX),
so no third-party file is kept in the repository.

The JVM is started through ``pmo_data.project_files.start_jvm`` (the importer's own way),
so a test that writes a file and then imports it uses one JVM with the importer's options.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from pmo_data.project_files import start_jvm


@dataclass(frozen=True)
class Task:
    """One task to write: dates are working-day starts; a milestone has no duration."""

    name: str
    start: date
    finish: date
    percent: float = 0.0
    milestone: bool = False
    baseline_finish: date | None = None
    actual_finish: date | None = None


def _at(day: date, hour: int = 8):  # noqa: ANN202 - java LocalDateTime
    from java.time import LocalDateTime

    return LocalDateTime.of(day.year, day.month, day.day, hour, 0)


def write_project(path: Path, tasks: list[Task], *, title: str = "EPR rollout",
                  category: str | None = "Medicine", manager: str | None = "A. Manager",
                  status_date: date | None = date(2026, 3, 2), summary: bool = True) -> Path:
    """Write ``tasks`` (under one summary task when ``summary``) in the format the suffix
    names: .xml (MSPDI) or .mpx."""
    start_jvm()
    from java.lang import Double
    from org.mpxj import Duration, ProjectFile, TimeUnit
    from org.mpxj.writer import FileFormat, UniversalProjectWriter

    project = ProjectFile()
    project.addDefaultBaseCalendar()
    props = project.getProjectProperties()
    props.setProjectTitle(title)
    props.setName(title)
    if category:
        props.setCategory(category)
    if manager:
        props.setManager(manager)
    if status_date:
        props.setStatusDate(_at(status_date))
    parent = project.addTask() if summary else project
    if summary:
        parent.setName(title)
    for spec in tasks:
        task = parent.addTask()
        task.setName(spec.name)
        task.setStart(_at(spec.start))
        task.setFinish(_at(spec.finish, 8 if spec.milestone else 17))
        days = 0 if spec.milestone else max(1, (spec.finish - spec.start).days)
        task.setDuration(Duration.getInstance(days, TimeUnit.DAYS))
        task.setPercentageComplete(Double(spec.percent))
        task.setMilestone(spec.milestone)
        if spec.baseline_finish:
            task.setBaselineFinish(_at(spec.baseline_finish, 17))
        if spec.actual_finish:
            task.setActualFinish(_at(spec.actual_finish, 17))
    fmt = {".xml": FileFormat.MSPDI, ".mpx": FileFormat.MPX}[path.suffix.lower()]
    UniversalProjectWriter(fmt).write(project, str(path))
    return path


def sample_tasks(count: int = 6, *, every: int = 3) -> list[Task]:
    """``count`` tasks from 1 April 2025, each ``every``-th a milestone with a baseline
    finish two days before its finish; the first third complete."""
    out = []
    for i in range(count):
        start = date(2025, 4, 1) + timedelta(days=7 * i)
        done = i < count // 3
        if i % every == every - 1:
            out.append(Task(f"Milestone {i}", start, start, 100.0 if done else 0.0, True,
                            start - timedelta(days=2), start if done else None))
        else:
            finish = start + timedelta(days=5)
            out.append(Task(f"Task {i}", start, finish, 100.0 if done else 30.0,
                            actual_finish=finish if done else None))
    return out
