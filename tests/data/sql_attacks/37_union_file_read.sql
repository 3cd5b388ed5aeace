-- variant: a file read in the second half of a UNION
-- expect: read_text is not available
SELECT 'a' AS x UNION ALL SELECT content FROM read_text('/etc/hostname')
