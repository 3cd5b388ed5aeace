-- variant: DELETE inside a CTE
-- expect: DELETE|could not be read|Only a SELECT
WITH w AS (DELETE FROM projects RETURNING *) SELECT * FROM w
