-- variant: SET VARIABLE
-- expect: SET statement|Only a SELECT
SET VARIABLE x = 1
