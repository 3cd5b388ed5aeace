-- variant: COPY in a CTE to another file
-- expect: COPY part
WITH w AS (COPY (SELECT * FROM projects) TO '{dir}/leak.csv' (FORMAT csv)) SELECT * FROM w
