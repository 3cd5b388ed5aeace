-- finding: repeat('x', 2e9) ran 23 s past a 10 s limit and took 4 GB
-- expect: repeat is not available
SELECT length(repeat('x', 2000000000))
