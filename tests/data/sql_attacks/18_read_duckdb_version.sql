-- variant: read_duckdb of the version file
-- expect: read_duckdb is not available
SELECT * FROM read_duckdb('{version}', table_name => 'projects')
