-- variant: one aggregate string of 2 GB
-- expect: memory
SELECT length(string_agg(lpad('x', 100000, 'y'), '')) FROM range(20000)
