"""The first wall of the SQL box: accept only plain SELECT trees built from known parts.

Why this module exists: DuckDB's statement type is not enough to tell a read from a write.
DuckDB 2.0 accepts ``COPY ... TO`` inside a common table expression and still reports the
statement as a SELECT, and reading functions (``read_blob``, ``read_text``) or system views
(``duckdb_settings()``, ``duckdb_databases()``) are ordinary parts of a SELECT. So the SQL box
asks DuckDB for its own parse tree of the query (``json_serialize_sql``, which only
serialises SELECT statements) and walks every node of it here, accepting only:

* query nodes that read: SELECT, set operations (UNION, EXCEPT, INTERSECT), recursive CTEs;
  any other node (``COPY_QUERY_NODE``, ``INSERT_QUERY_NODE`` ...) is refused;
* tables the dashboard holds (its source, housekeeping and prepared-view names, passed in by
  the caller) and the CTE names the query itself declares, in scope where they are used;
  unqualified or qualified with ``main`` only (no ``system.``, ``temp.`` or another catalog),
  so a file name used as a table (``FROM 'x.csv'``) is refused too;
* table functions from a short allow-list (``range``, ``generate_series``, ``unnest``);
* scalar, aggregate and window functions from an allow-list of analysis functions
  (arithmetic, text, dates, lists, statistics); nothing that reads files, settings, variables
  or the query log, sleeps, or writes a log;
* expression kinds from an allow-list (no prepared-statement parameters).

This is an allow-list: a construct DuckDB adds in a later release is refused until it is
listed here. It is the first of two walls: the query then runs in a child process on an
in-memory copy of the data with external access switched off (``pmo_data.sqlbox``), so a gap
in this walk still cannot reach the served database.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

#: Query nodes that only read.
QUERY_NODES = frozenset({"SELECT_NODE", "SET_OPERATION_NODE", "RECURSIVE_CTE_NODE",
                         "CTE_NODE"})
#: Every table-reference kind DuckDB serialises, and the ones accepted.
TABLE_REFS = frozenset({"BASE_TABLE", "SUBQUERY", "JOIN", "TABLE_FUNCTION", "EXPRESSION_LIST",
                        "CTE", "EMPTY", "EMPTY_FROM", "PIVOT", "SHOW_REF", "COLUMN_DATA",
                        "DELIM_GET", "BOUND_TABLE_REF", "INVALID"})
ALLOWED_TABLE_REFS = frozenset({"BASE_TABLE", "SUBQUERY", "JOIN", "TABLE_FUNCTION",
                                "EXPRESSION_LIST", "EMPTY", "EMPTY_FROM", "PIVOT", "SHOW_REF"})
MODIFIERS = frozenset({"LIMIT_MODIFIER", "ORDER_MODIFIER", "DISTINCT_MODIFIER",
                       "LIMIT_PERCENT_MODIFIER"})
#: Expression classes accepted (PARAMETER and DEFAULT, among others, are not).
EXPRESSION_CLASSES = frozenset({
    "BETWEEN", "CASE", "CAST", "COLLATE", "COLUMN_REF", "COMPARISON", "CONJUNCTION",
    "CONSTANT", "FUNCTION", "LAMBDA", "LAMBDA_REF", "OPERATOR", "POSITIONAL_REFERENCE", "STAR",
    "SUBQUERY", "WINDOW", "TYPE"})
SHOW_KINDS = frozenset({"SUMMARY", "DESCRIBE"})  # SUMMARIZE and DESCRIBE of a query or table
TABLE_FUNCTIONS = frozenset({"range", "generate_series", "unnest"})

_OPERATORS = """+ - * / // % ** ^ || ~~ !~~ ~~* !~~* ~~~ !~~~ << >> & | ~ ^@ @ = != <> < <= > >=
    && <@ @> ->> array_extract array_slice list_value struct_pack struct_extract list_extract
    map row""".split()
_AGGREGATES = """any_value approx_count_distinct approx_quantile arbitrary arg_max arg_min argmax
    argmin array_agg avg bit_and bit_or bit_xor bool_and bool_or corr count count_if count_star
    countif covar_pop covar_samp entropy favg first fsum geomean geometric_mean group_concat
    histogram kahan_sum kurtosis kurtosis_pop last list listagg mad max max_by mean median min
    min_by mode product quantile quantile_cont quantile_disc regr_avgx regr_avgy regr_count
    regr_intercept regr_r2 regr_slope regr_sxx regr_sxy regr_syy reservoir_quantile sem
    skewness stddev stddev_pop stddev_samp string_agg sum sumkahan var_pop var_samp variance
    weighted_avg wavg""".split()
_WINDOWS = """cume_dist dense_rank fill first_value lag last_value lead nth_value ntile
    percent_rank rank rank_dense row_number""".split()
_NUMBERS = """abs acos acosh add asin asinh atan atan2 atanh cbrt ceil ceiling cos cosh cot
    degrees divide even exp factorial fdiv fmod floor gamma gcd greatest
    greatest_common_divisor isfinite isinf isnan lcm least least_common_multiple lgamma ln log
    log10 log2 mod multiply nextafter pi pow power radians round round_even roundbankers sign
    signbit sin sinh sqrt subtract tan tanh trunc xor bit_count equi_width_bins
    formatreadabledecimalsize formatreadablesize format_bytes""".split()
_TEXT = """ascii bar bit_length char_length character_length chr concat concat_ws contains
    damerau_levenshtein editdist3 ends_with format hamming ilike_escape instr jaccard
    jaro_similarity jaro_winkler_similarity lcase left left_grapheme len length
    length_grapheme levenshtein like_escape lower lpad ltrim md5 mismatches nfc_normalize
    not_ilike_escape not_like_escape octet_length ord overlay position prefix printf
    regexp_escape regexp_extract regexp_extract_all regexp_full_match regexp_matches
    regexp_replace regexp_split_to_array replace reverse right right_grapheme rpad rtrim sha1
    sha256 split split_part starts_with str_split str_split_regex string_split
    string_split_regex string_to_array strip_accents strlen strpos substr substring
    substring_grapheme suffix translate trim ucase unicode upper url_decode url_encode hash
    base64 to_base64 from_base64 hex unhex bin unbin to_hex from_hex encode decode
    array_to_string""".split()
_DATES = """age century date_add date_diff date_part date_sub date_trunc datediff datepart
    datesub datetrunc day dayname dayofmonth dayofweek dayofyear days_in_month decade epoch
    epoch_ms epoch_ns epoch_us era hour isodow isoyear julian last_day make_date make_time
    make_timestamp microsecond millennium millisecond minute month monthname nanosecond
    normalized_interval quarter second strftime strptime time_bucket to_centuries to_days
    to_decades to_hours to_microseconds to_millennia to_milliseconds to_minutes to_months
    to_quarters to_seconds to_timestamp to_weeks to_years try_strptime week weekday weekofyear
    year yearweek current_date today now get_current_timestamp current_localtimestamp
    timezone""".split()
_LISTS = """aggregate apply array_aggr array_aggregate array_append array_apply array_cat
    array_concat array_contains array_distinct array_extract array_filter array_has
    array_has_all array_has_any array_indexof array_intersect array_length array_position
    array_prepend array_reverse array_select array_slice array_sort array_reverse_sort
    array_transform array_unique array_value array_where array_zip cardinality element_at
    filter flatten generate_series generate_subscripts grade_up list_aggr list_aggregate
    list_any_value list_append list_apply list_avg list_bool_and list_bool_or list_cat
    list_concat list_contains list_count list_distinct list_element list_extract list_filter
    list_first list_grade_up list_has list_has_all list_has_any list_indexof list_intersect
    list_last list_max list_median list_min list_mode list_pack list_position list_prepend
    list_product list_reduce list_reverse list_reverse_sort list_select list_slice list_sort
    list_stddev_pop list_stddev_samp list_string_agg list_sum list_transform list_unique
    list_value list_var_pop list_var_samp list_where list_zip range reduce map_concat
    map_contains map_entries map_extract map_extract_value map_from_entries map_keys
    map_values struct_extract struct_extract_at struct_insert struct_keys struct_pack
    struct_values""".split()
_OTHER = """coalesce ifnull nullif if typeof constant_or_null try json_extract
    json_extract_string json_value json_array_length json_keys json_type json_valid
    json_object json_array to_json json_group_array json_group_object
    enum_code enum_first enum_last enum_range""".split()

#: Every function name (lower case) the SQL box accepts, as an operator, scalar, aggregate or
#: window function.
FUNCTIONS: frozenset[str] = frozenset(
    name.lower() for name in _OPERATORS + _AGGREGATES + _WINDOWS + _NUMBERS + _TEXT + _DATES
    + _LISTS + _OTHER)


@dataclass(frozen=True)
class Refusal:
    """Why a query was refused: one plain sentence for the user."""

    sentence: str


class _Refused(Exception):
    def __init__(self, sentence: str) -> None:
        super().__init__(sentence)
        self.sentence = sentence


def check_serialized(serialized: str, tables: Collection[str]) -> Refusal | None:
    """Walk the JSON that ``json_serialize_sql`` gave for a query; None when every node is
    allowed, else the first refusal. ``tables``: the table and view names that may be read
    (compared case-insensitively)."""
    try:
        tree = json.loads(serialized)
    except (TypeError, ValueError):
        return Refusal("The SQL could not be read.")
    if not isinstance(tree, dict):
        return Refusal("The SQL could not be read.")
    if tree.get("error"):
        message = str(tree.get("error_message") or "")
        if "Only SELECT statements" in message:
            return Refusal("Only a SELECT query can run here: the SQL box reads data and cannot "
                           "change it.")
        return Refusal(f"The SQL could not be read: {_first_line(message)}.")
    statements = tree.get("statements") or []
    if len(statements) != 1:
        if not statements:
            return Refusal("Type a SELECT query first.")
        return Refusal(f"Only one statement can run at a time; this text has {len(statements)} "
                       "(remove the extra semicolon-separated statements).")
    known = frozenset(t.lower() for t in tables)
    try:
        _Walker(known).statement(statements[0], frozenset())
    except _Refused as exc:
        return Refusal(exc.sentence)
    except RecursionError:
        return Refusal("The query is nested too deeply to check; simplify it.")
    return None


def _first_line(message: str) -> str:
    line = message.strip().splitlines()[0] if message.strip() else "unknown problem"
    return line.rstrip(".!")


class _Walker:
    """Visits every node of a serialised SELECT, carrying the CTE names in scope."""

    def __init__(self, tables: frozenset[str]) -> None:
        self.tables = tables

    # --- statements and query nodes -----------------------------------------------------
    def statement(self, statement: Any, scope: frozenset[str]) -> None:
        if not isinstance(statement, dict) or "node" not in statement:
            raise _Refused("The SQL box could not check this query's structure.")
        if statement.get("named_param_map"):
            raise _Refused("Parameters ($1, ?) cannot be used in the SQL box; type the values.")
        self.node(statement["node"], scope)

    def node(self, node: Any, scope: frozenset[str]) -> None:
        if not isinstance(node, dict):
            raise _Refused("The SQL box could not check this query's structure.")
        kind = str(node.get("type", ""))
        if kind not in QUERY_NODES:
            what = kind.removesuffix("_QUERY_NODE").removesuffix("_NODE").replace("_", " ")
            raise _Refused(f"The query contains a {what or 'statement'} part, which the SQL box "
                           "does not run: it only reads the dashboard's tables and cannot "
                           "write or copy anything.")
        inner = scope | self._cte_names(node)
        for key, value in node.items():
            if key == "type":
                continue
            self.any(value, inner)

    def _cte_names(self, node: dict[str, Any]) -> frozenset[str]:
        names: set[str] = set()
        entries = ((node.get("cte_map") or {}).get("map") or [])
        for entry in entries:
            if isinstance(entry, dict) and isinstance(entry.get("key"), str):
                names.add(entry["key"].lower())
        if node.get("type") == "RECURSIVE_CTE_NODE" and isinstance(node.get("ctename"), str):
            names.add(node["ctename"].lower())
        return frozenset(names)

    # --- any value: dispatch on what the dict is ------------------------------------------
    def any(self, value: Any, scope: frozenset[str]) -> None:
        if isinstance(value, list):
            for item in value:
                self.any(item, scope)
            return
        if not isinstance(value, dict):
            return
        kind = value.get("type")
        if "class" in value:
            self.expression(value, scope)
        elif isinstance(kind, str) and kind.endswith("_NODE"):
            self.node(value, scope)
        elif isinstance(kind, str) and kind in TABLE_REFS:
            self.table_ref(value, scope)
        elif isinstance(kind, str) and kind.endswith("_MODIFIER"):
            if kind not in MODIFIERS:
                raise _Refused(f"The SQL box does not run queries with a {kind} clause.")
            self.children(value, scope)
        elif "node" in value and isinstance(value.get("node"), dict):
            self.statement(value, scope)  # a subquery's statement
        else:
            self.children(value, scope)

    def children(self, value: dict[str, Any], scope: frozenset[str]) -> None:
        for item in value.values():
            self.any(item, scope)

    # --- table references ---------------------------------------------------------------
    def table_ref(self, ref: dict[str, Any], scope: frozenset[str]) -> None:
        kind = ref["type"]
        if kind not in ALLOWED_TABLE_REFS:
            raise _Refused(f"The SQL box does not run queries that read from a {kind} source.")
        if kind == "BASE_TABLE":
            self.base_table(ref, scope)
        elif kind == "TABLE_FUNCTION":
            function = ref.get("function") or {}
            name = str(function.get("function_name", "")).lower()
            if name not in TABLE_FUNCTIONS or function.get("schema") or function.get("catalog"):
                raise _Refused(self._not_available(name or "this table function",
                                                   table=True))
            self.children({k: v for k, v in function.items() if k != "class"}, scope)
            self.children({k: v for k, v in ref.items() if k not in ("function", "type")},
                          scope)
            return
        elif kind == "SHOW_REF":
            if ref.get("show_type") not in SHOW_KINDS:
                raise _Refused("Only SUMMARIZE and DESCRIBE of a query or table can run here.")
            if ref.get("table_name"):
                self._check_table_name(str(ref["table_name"]), "", "", scope)
        self.children({k: v for k, v in ref.items() if k != "type"}, scope)

    def base_table(self, ref: dict[str, Any], scope: frozenset[str]) -> None:
        self._check_table_name(str(ref.get("table_name", "")), str(ref.get("schema_name", "")),
                               str(ref.get("catalog_name", "")), scope)
        if ref.get("at_clause"):
            raise _Refused("Time travel (AT ...) is not available in the SQL box.")

    def _check_table_name(self, name: str, schema: str, catalog: str,
                          scope: frozenset[str]) -> None:
        lowered = name.lower()
        if catalog or schema.lower() not in ("", "main"):
            raise _Refused(f"Only the dashboard's own tables can be read here, not "
                           f"{'.'.join(p for p in (catalog, schema, name) if p)}.")
        if lowered in scope or lowered in self.tables:
            return
        raise _Refused(f"A table or function in the query does not exist: {name} is not one of "
                       "the dashboard's tables (see the list of tables above the box).")

    # --- expressions --------------------------------------------------------------------
    def expression(self, expr: dict[str, Any], scope: frozenset[str]) -> None:
        cls = str(expr.get("class"))
        if cls not in EXPRESSION_CLASSES:
            if cls == "PARAMETER":
                raise _Refused("Parameters ($1, ?) cannot be used in the SQL box; type the "
                               "values.")
            raise _Refused(f"The SQL box does not accept {cls.lower()} expressions.")
        if cls in ("FUNCTION", "WINDOW") or "function_name" in expr:
            name = str(expr.get("function_name", "")).lower()
            if cls == "WINDOW" and not name:
                name = str(expr.get("type", "")).removeprefix("WINDOW_").lower()
            if name not in FUNCTIONS or expr.get("schema") or expr.get("catalog"):
                raise _Refused(self._not_available(name))
        self.children({k: v for k, v in expr.items() if k != "class"}, scope)

    @staticmethod
    def _not_available(name: str, table: bool = False) -> str:
        what = "table function" if table else "function"
        return (f"The {what} {name} is not available in the SQL box: it reads only the "
                "dashboard's tables, and cannot read or write files, reach the network or "
                "change or show settings.")


def allowed_functions() -> Iterable[str]:
    """The accepted function names, sorted (for the docs and the page's help text)."""
    return sorted(FUNCTIONS)
