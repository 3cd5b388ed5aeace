-- finding: read_blob returns the whole database file
-- expect: read_blob is not available
SELECT content FROM read_blob('{version}')
