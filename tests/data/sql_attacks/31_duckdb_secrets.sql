-- variant: secrets listing
-- expect: duckdb_secrets is not available
SELECT * FROM duckdb_secrets()
