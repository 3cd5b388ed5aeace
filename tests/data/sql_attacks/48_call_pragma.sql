-- variant: CALL a pragma
-- expect: Only a SELECT
CALL pragma_version()
