-- variant: constant folding of a 2 GB pad (beyond the interrupt)
-- expect: stopped after|memory
SELECT length(lpad('x', 2000000000, 'y'))
