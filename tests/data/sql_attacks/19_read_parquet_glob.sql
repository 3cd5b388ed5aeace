-- variant: read_parquet of a glob
-- expect: read_parquet is not available
SELECT * FROM read_parquet('/*/*.parquet')
