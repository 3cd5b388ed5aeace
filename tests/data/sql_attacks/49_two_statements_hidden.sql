-- variant: a second statement after a comment
-- expect: Only one statement
SELECT 1 AS x; /* and then */ COPY projects TO '{dir}/leak.csv'
