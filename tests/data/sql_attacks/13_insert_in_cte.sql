-- variant: INSERT inside a CTE
-- expect: INSERT|could not be read|Only a SELECT
WITH w AS (INSERT INTO projects (project_id) VALUES ('X') RETURNING *) SELECT * FROM w
