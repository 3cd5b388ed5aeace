-- variant: prepared-statement parameters
-- expect: Parameters
SELECT * FROM projects WHERE project_id = $1
