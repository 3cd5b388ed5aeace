-- variant: SUMMARIZE of a file read
-- expect: read_csv is not available
SUMMARIZE SELECT * FROM read_csv('/etc/passwd')
