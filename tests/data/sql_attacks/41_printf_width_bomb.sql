-- variant: a printf width of two billion
-- expect: memory|stopped after
SELECT printf('%2000000000d', 1)
