-- variant: COPY FROM DATABASE
-- expect: Only a SELECT query
COPY FROM DATABASE memory TO memory
