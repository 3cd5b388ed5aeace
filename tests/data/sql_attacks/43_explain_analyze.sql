-- variant: EXPLAIN ANALYZE runs the query outside the checks
-- expect: Only a SELECT query
EXPLAIN ANALYZE SELECT * FROM read_text('/etc/passwd')
