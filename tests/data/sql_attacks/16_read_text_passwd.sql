-- variant: read_text of a system file
-- expect: read_text is not available
SELECT * FROM read_text('/etc/passwd')
