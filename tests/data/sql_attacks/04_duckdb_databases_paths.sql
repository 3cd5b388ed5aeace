-- finding: duckdb_databases() reveals the version's path
-- expect: duckdb_databases is not available
SELECT path FROM duckdb_databases()
