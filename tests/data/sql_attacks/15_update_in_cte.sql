-- variant: UPDATE inside a CTE
-- expect: UPDATE|could not be read|Only a SELECT
WITH w AS (UPDATE projects SET stage = 'Closed' RETURNING *) SELECT * FROM w
