-- variant: write_log writes to the log
-- expect: write_log is not available
SELECT write_log('x')
