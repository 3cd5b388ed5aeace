-- variant: query() runs SQL given as a string
-- expect: query is not available
SELECT * FROM query('SELECT * FROM read_text(''/etc/passwd'')')
