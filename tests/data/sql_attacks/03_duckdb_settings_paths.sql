-- finding: duckdb_settings() reveals server paths
-- expect: duckdb_settings is not available
SELECT name, value FROM duckdb_settings()
