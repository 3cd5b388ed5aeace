-- variant: a plain COPY statement
-- expect: COPY statement
COPY projects TO '{dir}/leak.csv'
