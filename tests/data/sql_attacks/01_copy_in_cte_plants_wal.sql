-- finding: COPY inside a CTE is reported as a SELECT and can write the version's .wal
-- expect: COPY part
WITH w AS (COPY (SELECT 'x' AS b) TO '{version}.wal' (FORMAT blob)) SELECT * FROM w
