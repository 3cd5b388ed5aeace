-- variant: checkpoint() as a table function writes the file
-- expect: checkpoint is not available
SELECT * FROM checkpoint()
