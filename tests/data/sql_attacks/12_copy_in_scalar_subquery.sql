-- variant: COPY in a CTE inside a scalar subquery
-- expect: COPY part
SELECT (WITH w AS (COPY (SELECT 1 AS x) TO '{dir}/leak.csv' (FORMAT csv)) SELECT count(*) FROM w) AS n
