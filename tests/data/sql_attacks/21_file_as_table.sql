-- variant: a file name used as a table (replacement scan)
-- expect: not one of the dashboard's tables
SELECT * FROM '/etc/passwd'
