"""Explore: pivot any source or prepared view without SQL; a read-only SQL box for those who
want it. Column list and data dictionary beside the pivot; downloads as CSV and XLSX."""

from functools import partial

import streamlit as st

import ui
from pmo_data import explore, fmt, sqlbox
from pmo_data.charts.explore import pivot_chart
from pmo_data.downloads import csv_bytes, xlsx_bytes
from pmo_data.text import md

ui.page_header("Explore", "Ask your own questions: filter, pivot and download, no SQL needed.")
ui.require_db()


def downloads(frame, stem: str, key: str) -> None:  # noqa: ANN001 - a DataFrame
    left, right = st.columns(2)
    left.download_button("Download CSV", csv_bytes(frame), f"{stem}.csv", "text/csv",
                         key=f"{key}_csv", icon=":material/download:", on_click="ignore")
    right.download_button("Download XLSX", partial(xlsx_bytes, {stem[:31]: frame}),
                          f"{stem}.xlsx", key=f"{key}_xlsx", icon=":material/download:",
                          on_click="ignore",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def filter_widget(name: str, col: explore.ColumnInfo) -> explore.Filter | None:
    key = f"ex_f_{name}_{col.name}"
    style = explore.filter_style(name, col.name)
    if style == "range":
        low, high = ui.call(explore.column_range, name=name, column=col.name)
        if low is None:
            st.caption(f"{md(col.label)}: no values to filter.")
            return None
        if col.kind in ("date", "month"):
            picked = st.date_input(col.label, (low, high), key=key, format="DD/MM/YYYY")
            ends = (tuple(picked) + (None, None))[:2]
        else:
            a, b = st.columns(2)
            ends = (a.number_input(f"{col.label} from", value=float(low), key=f"{key}_lo"),
                    b.number_input(f"{col.label} to", value=float(high), key=f"{key}_hi"))
        return explore.Filter(col.name, "between", tuple(ends))
    values = ui.call(explore.distinct_values, name=name, column=col.name)
    if style == "values" or len(values) <= 200:
        picked = st.multiselect(col.label, values, key=key, placeholder="Any value")
        return explore.Filter(col.name, "in", tuple(picked))
    text = st.text_input(f"{col.label} contains", key=key)
    return explore.Filter(col.name, "contains", (text,))


#: The view a first visit opens: what a benefits advisor asks first, realised value by
#: category and unit (values in different units are never added up) for each target year.
DEFAULT_VIEW = {"ex_dataset": "benefits_with_project",
                "ex_rows_benefits_with_project": ["category", "unit"],
                "ex_col_benefits_with_project": "target_financial_year",
                "ex_measure_benefits_with_project": "realised_value", "ex_agg": "sum"}


def pivot_tab() -> None:
    if "ex_dataset" not in st.session_state:
        st.session_state.update(DEFAULT_VIEW)
    names = list(explore.DATASETS)
    name = st.selectbox("Data", names, key="ex_dataset", format_func=lambda n: (
        explore.DATASETS[n].title + (" (prepared view)" if explore.DATASETS[n].prepared else "")))
    ds = explore.dataset(name)
    main, side = st.columns([3, 2], gap="large")
    with side:
        st.markdown(f"**{ds.title}**: {ds.description}")
        st.caption("Columns and what they mean (from the data contract)")
        ui.table(explore.data_dictionary(name), height=420)
    with main:
        cols = {c.name: c for c in ds.columns}
        label = lambda n: f"{cols[n].label} ({n})"  # noqa: E731
        chosen = st.multiselect("Filter by", list(cols), key=f"ex_filters_{name}",
                                format_func=label)
        filters = tuple(f for f in (filter_widget(name, cols[c]) for c in chosen) if f)
        a, b = st.columns(2)
        c, d = st.columns(2)
        rows = a.multiselect("Rows", list(cols), key=f"ex_rows_{name}", format_func=label,
                             max_selections=explore.MAX_ROW_DIMENSIONS)
        column = b.selectbox("Columns", [None, *cols], key=f"ex_col_{name}",
                             format_func=lambda n: "(none)" if n is None else label(n))
        measure = c.selectbox("Measure", [None, *cols], key=f"ex_measure_{name}",
                              format_func=lambda n: "(rows)" if n is None else label(n))
        aggregation = d.selectbox("Aggregation", list(explore.AGGREGATIONS), key="ex_agg",
                                  format_func=explore.AGGREGATIONS.get)
    try:
        result = ui.call(explore.pivot, name=name, rows=tuple(rows), column=column,
                         measure=measure, aggregation=aggregation, filters=filters)
    except ValueError as exc:
        st.warning(md(exc))
        return
    st.subheader(md(result.value_label))
    notes = [f"{result.source_rows:,} rows pass the filters"]
    if result.truncated_rows:
        notes.append(f"first {explore.MAX_PIVOT_ROWS:,} groups shown")
    if result.truncated_columns:
        notes.append(f"first {explore.MAX_PIVOT_COLUMNS} column values shown (All covers all)")
    if result.total_withheld:
        notes.append("no All total: the columns are in different units")
    st.caption("; ".join(notes) + f". \"{fmt.NO_DATA.capitalize()}\" is a missing value, never "
               "zero.")
    shown = result.table.rename(columns={r: cols[r].label for r in result.rows})
    ui.table(shown, column_config={
        c: st.column_config.NumberColumn(format="localized")
        for c in result.value_columns})
    chart = pivot_chart(result)
    st.plotly_chart(chart.figure, alt=chart.summary, key="ex_chart")
    st.caption(md(chart.summary))
    downloads(result.table, f"pivot_{name}", "ex_pivot")
    with st.expander("The rows behind it (first 1,000)"):
        ui.table(ui.call(explore.preview, name=name, filters=filters))


def sql_tab() -> None:
    limits = sqlbox.sql_settings()
    st.caption(f"One read-only SELECT (or WITH ... SELECT). At most {limits.max_rows:,} rows; "
               f"stopped after {limits.timeout_s:g} seconds. Files, the network and settings "
               "are out of reach.")
    with st.expander("Schema: tables, views and columns"):
        schema = ui.call(explore.sql_schema)
        table = st.selectbox("Table", list(dict.fromkeys(schema["Table"])), key="ex_schema")
        ui.table(schema[schema["Table"] == table].drop(columns="Table"))
    sql = st.text_area("SQL", key="ex_sql", height=160,
                       value="SELECT stage, count(*) AS projects\nFROM projects\n"
                             "GROUP BY stage\nORDER BY projects DESC")
    if st.button("Run query", key="ex_run", type="primary"):
        st.session_state["ex_result"] = explore.run_sql(ui.require_db().path, sql, limits)
    result = st.session_state.get("ex_result")
    if result is None:
        return
    if not result.ok:
        st.error(md(result.error))
        return
    more = f"; only the first {limits.max_rows:,} rows are shown" if result.truncated else ""
    st.caption(f"{len(result.frame):,} rows in {result.elapsed_s:.2f} s{more}.")
    ui.table(result.frame)
    downloads(result.frame, "query_result", "ex_sql")


if explore.sql_box_allowed() and ui.can("sql"):
    pivot, sql = st.tabs(["Pivot", "SQL"])
    with pivot:
        pivot_tab()
    with sql:
        sql_tab()
else:
    pivot_tab()
