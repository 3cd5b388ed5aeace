"""Built-in import profiles for exports of tools NHS PMOs hold: Microsoft Planner, Smartsheet
and the UK Government Major Projects Portfolio (GMPP) data.

Each is an ordinary profile (see ``profiles``), written here in the same structure as a
profile's TOML file, and applied automatically to a sheet the contract does not recognise
when the sheet's headers carry the profile's signature. Headers are compared on their
short label (``profiles.header_label``), so the GMPP's "IPA Delivery Confidence
Assessment " with its trailing space, or with its definition on a second line or in a
long parenthesis, matches "IPA Delivery Confidence Assessment". Where a tool names a
column differently between versions, every known name is listed (the first found wins).
The README documents each profile's columns and what they become.
"""

from __future__ import annotations

from typing import Any

from pmo_data.profiles import Profile, profile_from_dict

#: Microsoft Planner / Project for the web, "Export plan to Excel": rows of plan details
#: ("Plan name", "Plan ID", "Date of export") above one row per task.
PLANNER: dict[str, Any] = {
    "name": "Microsoft Planner",
    "description": "Microsoft Planner / Project for the web 'Export plan to Excel': each task "
                   "becomes a milestone of the plan (project_id = the plan name above the "
                   "table, baseline = the due date, as Planner keeps no baseline); a new "
                   "export of the plan replaces that plan's milestones only.",
    "signature": [["Task Name", "Name"], ["Bucket Name", "Bucket"], ["Progress", "% Complete"],
                  ["Due Date", "Finish"]],
    "no_rows": "the Planner export has no tasks (only the plan details)",
    "target": [{
        "source": "milestones",
        "replace": "project",
        "above": {"project_id": ["Plan name", "Plan ID"]},
        "columns": {
            "milestone_id": ["Task ID", "Task Number", "ID"],
            "milestone": ["Task Name", "Name"],
            "baseline_date": ["Due Date", "Finish"],
            "actual_date": ["Completed Date"],
            "status": ["Progress", "% Complete"],
        },
    }],
}

_RAG_SYMBOLS = {"Yellow": "Amber", "Gray": "Not reported", "Grey": "Not reported",
                "Blue": "Blue", "Red": "Red", "Green": "Green"}
_PROJECT_ID = ["Project ID", "Project Number", "Project No", "Project Ref", "ID"]

#: A Smartsheet project-portfolio sheet ("File > Export to Microsoft Excel" or CSV): one row
#: per project; symbol columns (RYG balls) export as the words Red, Yellow, Green, Gray.
SMARTSHEET: dict[str, Any] = {
    "name": "Smartsheet portfolio",
    "description": "A Smartsheet project-portfolio sheet: each row becomes a project and a "
                   "highlight report dated by the sheet's Modified column; symbol columns "
                   "(Red, Yellow, Green, Gray) become RAG ratings.",
    "signature": [["Project Name", "Project"], ["Health", "Overall Health", "RAG", "Status"],
                  ["Start Date", "Start"], ["End Date", "Finish", "End"], ["% Complete"]],
    "target": [
        {
            "source": "projects",
            "columns": {
                "project_id": _PROJECT_ID,
                "project_name": ["Project Name", "Project"],
                "service_group": ["Department", "Directorate", "Division", "Service Group",
                                  "Business Unit"],
                "stage": ["Phase", "Stage", "Project Phase"],
                "start_date": ["Start Date", "Start"],
                "planned_end_date": ["Baseline Finish", "End Date", "Finish", "End"],
                "forecast_end_date": ["End Date", "Finish", "End"],
                "project_manager": ["Project Manager", "Owner", "Assigned To"],
                "budget_gbp": ["Budget", "Approved Budget"],
                "spend_to_date_gbp": ["Actual Cost", "Actual Spend", "Spend"],
                "last_updated": ["Modified"],
            },
            "values": {"stage": {"Not Started": "Pipeline", "Initiating": "Initiation",
                                 "Plan": "Planning", "Execute": "Delivery",
                                 "Executing": "Delivery", "Closing": "Closure",
                                 "Close": "Closure", "Complete": "Closed"}},
        },
        {
            "source": "status_reports",
            "columns": {
                "project_id": _PROJECT_ID,
                "report_date": ["Modified", "Status Date", "Report Date"],
                "overall_rag": ["Overall Health", "Health", "RAG", "Status"],
                "schedule_rag": ["Schedule Health", "Schedule"],
                "cost_rag": ["Budget Health", "Cost Health"],
                "risk_rag": ["Risk Health"],
                "percent_complete": ["% Complete"],
                "summary": ["Status Comments", "Comments", "Summary"],
            },
            "values": {c: _RAG_SYMBOLS for c in ("overall_rag", "schedule_rag", "cost_rag",
                                                 "risk_rag")},
        },
    ],
}

_DCA = ["IPA Delivery Confidence Assessment", "MPA Delivery Confidence Assessment",
        "Delivery Confidence Assessment", "DCA"]
_DCA_VALUES = {"Exempt": "Not reported", "Reset": "Not reported", "Not applicable": "Not reported"}
_GMPP_ID = ["GMPP ID Number", "Major Projects ID", "GMPP ID", "Project ID"]
_COST_BLANKS = {"Exempt": "", "Not applicable": "", "N/A": "", "Not available": ""}

#: Government Major Projects Portfolio annual data, as departments publish it (OGL).
GMPP: dict[str, Any] = {
    "name": "GMPP annual data",
    "description": "UK Government Major Projects Portfolio annual data: each row becomes a "
                   "project (service group = Department, stage Delivery) and a highlight "
                   "report with the IPA Delivery Confidence Assessment, dated by the date "
                   "the data is as at (given with --set report_date=... or on the Import page).",
    "signature": [["Project Name"], ["Department"], _DCA, _GMPP_ID],
    "target": [
        {
            "source": "projects",
            "constants": {"stage": "Delivery"},
            "columns": {
                "project_id": _GMPP_ID,
                "project_name": ["Project Name"],
                "service_group": ["Department"],
                "start_date": ["Project - Start Date", "Start Date", "Project Start Date"],
                "planned_end_date": ["Project - End Date", "End Date", "Project End Date"],
                "budget_gbp": ["Whole Life Cost (£m)", "TOTAL Baseline Whole Life Costs (£m)",
                               "Total Baseline Whole Life Costs (£m)", "Whole Life Costs (£m)"],
            },
            "values": {"budget_gbp": _COST_BLANKS},
            "scale": {"budget_gbp": 1_000_000},
        },
        {
            "source": "status_reports",
            "columns": {
                "project_id": _GMPP_ID,
                "overall_rag": _DCA,
                "dca": _DCA,
                "summary": ["Departmental commentary on actions planned or taken on the IPA "
                            "RAG rating", "Departmental commentary on actions planned or "
                            "taken on the IPA Delivery Confidence Assessment",
                            "Departmental narrative on the IPA RAG rating"],
            },
            "values": {"overall_rag": _DCA_VALUES, "dca": _DCA_VALUES},
        },
    ],
}

BUILTIN_PROFILES: tuple[Profile, ...] = tuple(
    profile_from_dict(spec, builtin=True) for spec in (PLANNER, SMARTSHEET, GMPP))
