-- variant: sleeping holds a worker
-- expect: sleep_ms is not available
SELECT sleep_ms(100000)
