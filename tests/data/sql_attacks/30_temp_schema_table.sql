-- variant: the temp catalog
-- expect: Only the dashboard's own tables
SELECT * FROM temp.main.anything
