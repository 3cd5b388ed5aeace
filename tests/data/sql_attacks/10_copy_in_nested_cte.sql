-- variant: COPY two CTE levels down
-- expect: COPY part
WITH a AS (WITH w AS (COPY (SELECT 1 AS x) TO '{version}.wal' (FORMAT csv)) SELECT * FROM w) SELECT * FROM a
