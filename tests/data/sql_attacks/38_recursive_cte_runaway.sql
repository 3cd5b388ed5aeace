-- variant: a recursive CTE that never ends
-- expect: stopped after
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r
