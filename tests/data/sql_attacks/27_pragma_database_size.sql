-- variant: pragma table functions reveal storage
-- expect: pragma_database_size is not available
SELECT * FROM pragma_database_size()
