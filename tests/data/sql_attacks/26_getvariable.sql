-- variant: getvariable reads session variables
-- expect: getvariable is not available
SELECT getvariable('x')
