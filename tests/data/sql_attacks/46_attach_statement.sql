-- variant: ATTACH the version read-write
-- expect: ATTACH statement
ATTACH '{version}' AS rw
