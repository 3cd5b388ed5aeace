"""Import profiles: header labels, TOML round trips, applying built-in and saved profiles,
saving through the versioned store, and what the import report says."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from pmo_data import profiles
from pmo_data.builtin_profiles import BUILTIN_PROFILES
from pmo_data.ingest import import_files
from pmo_data.readers import RawSheet
from pmo_data.recognise import recognise
from pmo_data.store import Store

PLANNER_CSV = (
    "Plan name,EPR Phase 2\nPlan ID,Zq8xK2\nDate of export,01/03/2026\n\n"
    "Task ID,Task Name,Bucket Name,Progress,Priority,Assigned To,Created By,Created Date,"
    "Start Date,Due Date,Is Recurring,Late,Completed Date,Completed By,Labels\n"
    "t1,Go live,Deploy,Completed,Urgent,Jo,Jo,01/12/2025,01/01/2026,01/02/2026,false,false,"
    "03/02/2026,Jo,\n"
    "t2,Train ward staff,Deploy,In progress,Medium,,Jo,01/12/2025,,15/03/2026,false,false,,,\n"
    "t3,Decommission old system,Close,Not started,Low,,Jo,01/12/2025,,31/02/2026,false,"
    "false,,,\n"
)
GMPP_CSV = (
    'GMPP ID Number,Project Name,Department,Description / Aims,"IPA Delivery Confidence '
    'Assessment ",Project - Start Date (Latest Approved Start Date),Project - End Date (Latest '
    'Approved End Date),Financial Year Baseline (£m) (including Non-Government Costs),'
    'Financial Year Forecast (£m) (including Non-Government Costs),Whole Life Cost (£m),'
    'Departmental commentary on actions planned or taken on the IPA RAG rating.\n'
    'DHSC_0001,New Hospital Programme,DHSC,Build hospitals,Red,01/04/2020,31/03/2035,'
    '"1,200.5",1100,"20,000.5",Rebaselined in 2024\n'
    'DHSC_0002,Digital records,DHSC,Records,Amber/Green,01/04/2021,31/03/2026,Exempt,Exempt,'
    'Exempt,\n'
    'DHSC_0003,Workforce,DHSC,People,Exempt,01/04/2022,31/03/2027,10,12,£100m - £200m,\n'
)
TRACKER = ("Scheme Ref,Scheme,Directorate,Phase,Kick-off,Target finish\n"
           "SR-1,Ward move,Medicine,Delivery,01/04/2025,31/03/2026\n")


def sheet_of(text: str, name: str = "export.csv") -> RawSheet:
    from pmo_data.readers import read_bytes

    return read_bytes(text.encode(), name)[0]


def builtin(name: str) -> profiles.Profile:
    return profiles.MappingOptions(BUILTIN_PROFILES).find(name)


@pytest.mark.parametrize(("cell", "label"), [
    ("IPA Delivery Confidence Assessment ", "IPA Delivery Confidence Assessment"),
    ("Whole Life Cost (£m)\nThe total cost of the project over its whole life",
     "Whole Life Cost (£m)"),
    ("IPA Delivery Confidence Assessment (A Delivery Confidence Assessment of the project "
     "at a fixed point in time, using a five-point scale)", "IPA Delivery Confidence Assessment"),
    ("Financial Year Baseline (£m) (including Non-Government Costs)",
     "Financial Year Baseline (£m)"),
    ("\n  Project   Name \n", "Project Name"),
    (None, ""),
])
def test_header_label(cell: str | None, label: str) -> None:
    assert profiles.header_label(cell) == label


def test_builtin_profiles_round_trip_through_toml() -> None:
    for profile in BUILTIN_PROFILES:
        back = profiles.profile_from_toml(profiles.profile_to_toml(profile))
        assert back.targets == profile.targets
        assert back.signature == profile.signature and back.name == profile.name


@pytest.mark.parametrize(("text", "message"), [
    ("name = 'x'\n[[target]]\nsource = 'nope'\n", "source must be one of"),
    ("name = 'x'\n[[target]]\nsource = 'projects'\n[target.columns]\nbogus = 'A'\n",
     "projects has no column 'bogus'"),
    ("name = 'x'\n", "at least one [[target]]"),
    ("[[target]]\nsource = 'projects'\n", "no name"),
    ("name = 'x'\n[[target]]\nsource = 'status_reports'\n[target.values.overall_rag]\n"
     "Yellow = 'Mauve'\n", "'Mauve' is not one of"),
    ("name = 'x'\n[[target]]\nsource = 'kpi_plan'\nreplace = 'project'\n",
     "kpi_plan has no project_id"),
    ("name = \n", "not a valid TOML file"),
])
def test_bad_profile_toml_says_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(profiles.ProfileError, match=message.replace("[", r"\[")):
        profiles.profile_from_toml(text)


def test_planner_export_maps_to_the_plans_milestones() -> None:
    sheet = sheet_of(PLANNER_CSV, "plan.csv")
    result = profiles.resolve(sheet, recognise(sheet), profiles.MappingOptions(BUILTIN_PROFILES))
    assert result is not None and result.problem is None
    assert result.profile == "Microsoft Planner"
    (rec, mode), = result.recognised
    assert rec.source.name == "milestones" and mode == "project"
    assert rec.columns["project_id"][1] == "Plan name"
    assert rec.columns["baseline_date"][1] == "Due Date"
    rows = rec.data_rows()
    assert [r for r, _ in rows] == [6, 7, 8]  # the spreadsheet's own row numbers
    first = dict(zip(rec.sheet.rows[rec.header_row], rows[0][1], strict=True))
    assert first["project_id"] == "EPR Phase 2" and first["milestone"] == "Go live"
    assert "Bucket Name" in rec.extra and "Labels" in rec.extra


def test_planner_export_loads_and_replaces_only_its_plan(tmp_path: Path) -> None:
    db = tmp_path / "pmo.duckdb"
    other = PLANNER_CSV.replace("EPR Phase 2", "Ward moves")
    report = import_files([("ward.csv", other.encode())], db)
    assert report.version == 1
    report = import_files([("plan.csv", PLANNER_CSV.encode())], db)
    assert [p.line() for p in report.problems] == [
        "plan.csv:plan:8:Due Date: impossible date (31/02/2026)"]
    assert "plan.csv:plan: milestones (profile Microsoft Planner), 3 rows read, 2 valid, " \
           "1 rejected" in report.summary_lines()[0]
    again = import_files([("plan.csv", PLANNER_CSV.replace("t2,", "t9,").encode())], db)
    assert again.version == 3
    with duckdb.connect(str(Store(db).current().path), read_only=True) as con:
        rows = con.execute("SELECT project_id, milestone_id, actual_date, status FROM milestones "
                           "ORDER BY 1, 2").fetchall()
        message = con.execute("SELECT message FROM imports WHERE version = 3").fetchone()[0]
    assert rows == [("EPR Phase 2", "t1", date(2026, 2, 3), "Completed"),
                    ("EPR Phase 2", "t9", None, "In progress"),
                    ("Ward moves", "t1", date(2026, 2, 3), "Completed"),
                    ("Ward moves", "t2", None, "In progress")]
    assert message == "profile Microsoft Planner"


def test_planner_export_with_no_tasks_says_so(tmp_path: Path) -> None:
    empty = PLANNER_CSV.split("t1,")[0]
    report = import_files([("plan.csv", empty.encode())], tmp_path / "pmo.duckdb")
    assert report.exit_code == 2 and report.version is None
    assert [p.line() for p in report.problems] == [
        "plan.csv:plan:-:-: the Planner export has no tasks (only the plan details)"]
    assert not (tmp_path / "pmo.duckdb.d").exists() or Store(tmp_path / "pmo.duckdb").current() \
        is None


def test_gmpp_needs_the_date_it_is_as_at(tmp_path: Path) -> None:
    report = import_files([("gmpp.csv", GMPP_CSV.encode())], tmp_path / "pmo.duckdb")
    assert report.version is None
    assert [p.line() for p in report.problems] == [
        "gmpp.csv:gmpp:-:-: profile GMPP annual data does not fit: report_date has no value "
        "(give it with --set report_date=... or on the Import page)"]


def test_gmpp_data_becomes_projects_and_dca_reports(tmp_path: Path) -> None:
    db = tmp_path / "pmo.duckdb"
    options = profiles.default_options(db, settings={"report_date": "31/03/2024"})
    report = import_files([("gmpp.csv", GMPP_CSV.encode())], db, mapping=options)
    assert report.problems == () and report.loaded == {"projects": 3, "status_reports": 3}
    projects_line, reports_line = report.summary_lines()[:2]
    assert "projects (profile GMPP annual data; 1 Whole Life Cost (£m) cell held a range" \
        in projects_line
    assert "not stored: Description / Aims, Financial Year Baseline (£m), Financial Year " \
           "Forecast (£m)" in projects_line
    assert "range" not in reports_line
    with duckdb.connect(str(Store(db).current().path), read_only=True) as con:
        projects = con.execute("SELECT project_id, service_group, stage, budget_gbp, "
                               "planned_end_date FROM projects ORDER BY 1").fetchall()
        reports = con.execute("SELECT project_id, report_date, overall_rag, dca, summary "
                              "FROM status_reports ORDER BY 1").fetchall()
    assert projects == [("DHSC_0001", "DHSC", "Delivery", 20_000_500_000.0, date(2035, 3, 31)),
                        ("DHSC_0002", "DHSC", "Delivery", None, date(2026, 3, 31)),
                        ("DHSC_0003", "DHSC", "Delivery", None, date(2027, 3, 31))]
    assert reports == [
        ("DHSC_0001", date(2024, 3, 31), "Red", "Red", "Rebaselined in 2024"),
        ("DHSC_0002", date(2024, 3, 31), "Amber/Green", "Amber/Green", None),
        ("DHSC_0003", date(2024, 3, 31), "Not reported", "Not reported", None)]


def test_gmpp_older_five_point_and_major_projects_id_headers() -> None:
    text = ("Major Projects ID,Project Name,Department,IPA Delivery Confidence Assessment\n"
            "definition,,,\n"  # a definition row is just a bad data row, not a header
            "MPA-1,Old project,MOD,Amber/Red\n")
    sheet = sheet_of(text, "gmpp2015.csv")
    result = profiles.apply_profile(builtin("GMPP annual data"), sheet,
                                    {"report_date": "2015-09-30"})
    assert result.problem is not None and "Project - End Date or End Date" in result.problem
    with_dates = text.replace("Assessment\n", "Assessment,End Date,Start Date\n").replace(
        "Amber/Red\n", "Amber/Red,31/03/2020,01/04/2012\n")
    result = profiles.apply_profile(builtin("GMPP annual data"), sheet_of(with_dates),
                                    {"report_date": "2015-09-30"})
    assert result.problem is None
    reports = next(rec for rec, _ in result.recognised if rec.source.name == "status_reports")
    assert reports.data_rows()[-1][1][reports.columns["dca"][0]] == "Amber/Red"


def test_smartsheet_symbols_become_rag() -> None:
    text = ("Project ID,Project Name,Department,Phase,Health,Start Date,End Date,% Complete,"
            "Modified\n"
            "S1,Portal,Digital,Execute,Yellow,01/04/2025,31/03/2026,40%,02/03/2026\n"
            "S2,Kiosks,Digital,Closing,Gray,01/04/2024,31/12/2025,100%,02/03/2026\n")
    sheet = sheet_of(text, "portfolio.csv")
    result = profiles.resolve(sheet, recognise(sheet), profiles.MappingOptions(BUILTIN_PROFILES))
    assert result is not None and result.profile == "Smartsheet portfolio"
    (projects, _), (reports, _) = result.recognised
    rag = [cells[reports.columns["overall_rag"][0]] for _, cells in reports.data_rows()]
    stage = [cells[projects.columns["stage"][0]] for _, cells in projects.data_rows()]
    assert rag == ["Amber", "Not reported"] and stage == ["Delivery", "Closure"]


def test_forced_profile_on_the_wrong_file_names_the_missing_columns(tmp_path: Path) -> None:
    options = profiles.default_options(tmp_path / "x.duckdb", force="Microsoft Planner")
    report = import_files([("tracker.csv", TRACKER.encode())], tmp_path / "x.duckdb",
                          mapping=options)
    assert report.exit_code == 2
    assert [p.line() for p in report.problems] == [
        "tracker.csv:tracker:-:-: profile Microsoft Planner does not fit: missing column Task "
        "Name or Name; missing column Due Date or Finish; missing the Plan name or Plan ID row "
        "above the table"]


def test_forced_profile_leaves_recognised_sheets_alone(tmp_path: Path) -> None:
    native = ("Project ID,Project Name,Service Group,Stage,Start Date,End Date\n"
              "P1,X,Medicine,Delivery,01/04/2025,01/04/2026\n")
    options = profiles.default_options(tmp_path / "x.duckdb", force="Microsoft Planner")
    report = import_files([("p.csv", native.encode()), ("plan.csv", PLANNER_CSV.encode())],
                          tmp_path / "x.duckdb", mapping=options)
    assert report.loaded == {"projects": 1, "milestones": 2}


def tracker_profile(name: str = "Scheme tracker") -> profiles.Profile:
    target = profiles.Target("projects", columns={
        "project_id": ("Scheme Ref",), "project_name": ("Scheme",),
        "service_group": ("Directorate",), "stage": ("Phase",), "start_date": ("Kick-off",),
        "planned_end_date": ("Target finish",)})
    return profiles.Profile(name, (target,), headers=("Scheme Ref", "Scheme", "Directorate",
                                                      "Phase", "Kick-off", "Target finish"))


def test_saved_profile_maps_the_next_file_with_the_same_headers(tmp_path: Path) -> None:
    db = tmp_path / "pmo.duckdb"
    assert profiles.save_profile(db, tracker_profile(), saved_by="a.tester",
                                 now=datetime(2026, 3, 1, 9)) == 1
    shuffled = ("Target finish,Kick-off,Phase,Directorate,Scheme,Scheme Ref\n"
                "31/03/2026,01/04/2025,Delivery,Medicine,Ward move,SR-1\n")
    report = import_files([("march.csv", shuffled.encode())], db)
    assert report.loaded == {"projects": 1}
    assert report.summary_lines()[0].startswith("march.csv:march: projects (profile Scheme "
                                                "tracker), 1 rows read")
    more = shuffled.replace("Scheme Ref", "Scheme Ref,Notes").replace("SR-1", "SR-1,x")
    report = import_files([("april.csv", more.encode())], db)  # another header set
    assert report.version is None and report.problems[0].message.startswith("not recognised")


def test_saved_profile_survives_and_rolls_back_like_the_data(tmp_path: Path) -> None:
    db = tmp_path / "pmo.duckdb"
    profiles.save_profile(db, tracker_profile(), now=datetime(2026, 3, 1, 9))
    saved = profiles.saved_profiles(db)
    assert [p.name for p in saved] == ["Scheme tracker"] and saved[0].targets == \
        tracker_profile().targets
    profiles.save_profile(db, tracker_profile("Second"), now=datetime(2026, 3, 2, 9))
    assert [p.name for p in profiles.saved_profiles(db)] == ["Second", "Scheme tracker"]
    Store(db).rollback()
    assert [p.name for p in profiles.saved_profiles(db)] == ["Scheme tracker"]
    assert profiles.delete_profile(db, "scheme TRACKER") == 3
    assert profiles.saved_profiles(db) == []
    with pytest.raises(profiles.ProfileError, match="no saved profile"):
        profiles.delete_profile(db, "Scheme tracker")


def test_a_profile_missing_a_required_column_cannot_be_saved(tmp_path: Path) -> None:
    target = profiles.Target("projects", columns={"project_id": ("Ref",)},
                             constants={"stage": "Delivery"})
    with pytest.raises(profiles.ProfileError) as caught:
        profiles.save_profile(tmp_path / "p.duckdb", profiles.Profile("Half", (target,)))
    assert str(caught.value) == ("cannot save: required projects columns not mapped: "
                                 "project_name, service_group, start_date, planned_end_date")
    assert Store(tmp_path / "p.duckdb").current() is None
    with pytest.raises(profiles.ProfileError, match="built-in profile"):
        profiles.save_profile(tmp_path / "p.duckdb", tracker_profile("Microsoft planner"))
    with pytest.raises(profiles.ProfileError, match="give the profile a name"):
        profiles.save_profile(tmp_path / "p.duckdb", tracker_profile("  "))


def test_settings_win_over_the_file_and_fill_constants() -> None:
    sheet = sheet_of(TRACKER)
    profile = tracker_profile()
    result = profiles.apply_profile(profile, sheet, {"service_group": "Surgery"})
    (rec, _), = result.recognised
    cells = rec.data_rows()[0][1]
    assert cells[rec.columns["service_group"][0]] == "Surgery"
    assert rec.columns["service_group"][1] == "service_group (fixed value)"


def test_optional_columns_missing_are_named_not_fatal() -> None:
    target = profiles.Target("projects", columns={
        **tracker_profile().targets[0].columns, "budget_gbp": ("Budget (£)",)})
    result = profiles.apply_profile(profiles.Profile("T", (target,)), sheet_of(TRACKER))
    assert result.problem is None
    assert result.message("projects") == ("profile T; columns not in the file (left blank): "
                                          "Budget (£)")


def test_vocabulary_values_and_blank_mapping() -> None:
    target = profiles.Target("projects", columns=tracker_profile().targets[0].columns,
                             values={"stage": {"In flight": "Delivery"}})
    text = TRACKER.replace("Delivery", "in  flight")
    (rec, _), = profiles.apply_profile(profiles.Profile("T", (target,)),
                                       sheet_of(text)).recognised
    assert rec.data_rows()[0][1][rec.columns["stage"][0]] == "Delivery"


def test_excel_error_cells_keep_their_position() -> None:
    sheet = RawSheet("t.xlsx", "S", [["Scheme Ref", "Scheme", "Directorate", "Phase", "Kick-off",
                                      "Target finish"],
                                     ["SR-1", "X", "Medicine", "Delivery", None, "31/03/2026"]],
                     {(1, 4): "#REF!"})
    (rec, _), = profiles.apply_profile(tracker_profile(), sheet).recognised
    assert rec.sheet.errors == {(1, rec.columns["start_date"][0]): "#REF!"}


def test_planner_xlsx_with_real_dates(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Tasks"
    for row in ([["Plan name", "Ward moves"], ["Plan ID", "abc"],
                 ["Date of export", datetime(2026, 3, 1)], [],
                 ["Task ID", "Task Name", "Bucket Name", "Progress", "Due Date",
                  "Completed Date"],
                 ["t1", "Move ward 3", "Moves", "Completed", datetime(2026, 1, 9),
                  datetime(2026, 1, 12)]]):
        sheet.append(row)
    book.save(tmp_path / "plan.xlsx")
    report = import_files([("plan.xlsx", (tmp_path / "plan.xlsx").read_bytes())],
                          tmp_path / "pmo.duckdb")
    assert report.problems == () and report.loaded == {"milestones": 1}
    assert report.summary_lines()[0] == ("plan.xlsx:Tasks: milestones (profile Microsoft "
                                         "Planner), 1 rows read, 1 valid, 0 rejected; not "
                                         "stored: Bucket Name")
    with duckdb.connect(str(Store(tmp_path / "pmo.duckdb").current().path),
                        read_only=True) as con:
        assert con.execute("SELECT project_id, baseline_date, actual_date FROM milestones"
                           ).fetchall() == [("Ward moves", date(2026, 1, 9), date(2026, 1, 12))]
