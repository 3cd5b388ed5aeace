-- finding: range(3e8) as a list passed 4 GB
-- expect: memory
SELECT len(range(300000000))
