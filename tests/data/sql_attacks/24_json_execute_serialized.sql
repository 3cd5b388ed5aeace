-- variant: json_execute_serialized_sql runs a serialised plan
-- expect: json_execute_serialized_sql is not available
SELECT * FROM json_execute_serialized_sql(json_serialize_sql('SELECT 1'))
