-- variant: a file read hidden in a lambda's subquery
-- expect: read_blob is not available
SELECT list_transform([1], lambda x: (SELECT length(content) FROM read_blob('{version}')))
