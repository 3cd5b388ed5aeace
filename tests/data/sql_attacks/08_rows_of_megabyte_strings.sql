-- finding: 3,000 rows of 1 MB strings passed 4 GB (the row cap limits rows, not bytes)
-- expect: memory|larger than
SELECT lpad('x', 1000000, 'y') AS s FROM range(3000)
