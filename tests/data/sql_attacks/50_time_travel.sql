-- variant: AT clause
-- expect: Time travel|could not be read|not valid
SELECT * FROM projects AT (VERSION => 1)
