-- variant: current_setting reveals the home and temp folders
-- expect: current_setting is not available
SELECT current_setting('home_directory') AS h, current_setting('temp_directory') AS t
