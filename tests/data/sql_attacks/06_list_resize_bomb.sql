-- finding: list_resize built a list beyond the memory limit
-- expect: list_resize is not available
SELECT len(list_resize([1], 300000000))
