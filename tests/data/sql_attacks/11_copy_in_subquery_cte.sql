-- variant: COPY in a CTE inside a FROM subquery
-- expect: COPY part
SELECT * FROM (WITH w AS (COPY (SELECT 1 AS x) TO '{dir}/leak.csv' (FORMAT csv)) SELECT * FROM w) s
