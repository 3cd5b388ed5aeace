-- variant: a system view named with its catalog
-- expect: Only the dashboard's own tables
SELECT * FROM system.main.duckdb_settings
