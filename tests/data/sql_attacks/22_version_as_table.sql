-- variant: the version path used as a table
-- expect: not one of the dashboard's tables
SELECT * FROM "{version}"
