-- variant: information_schema lists the catalog
-- expect: Only the dashboard's own tables
SELECT * FROM information_schema.tables
