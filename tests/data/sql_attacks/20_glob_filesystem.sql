-- variant: glob lists server files
-- expect: glob is not available
SELECT * FROM glob('{dir}/*')
