-- variant: read_csv given a list of paths
-- expect: read_csv is not available
SELECT * FROM read_csv(['/etc/passwd', '/etc/hostname'])
