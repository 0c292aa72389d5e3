-- Zip prefixes whose geolocation points lie in more than one state
-- severity: warn
-- table: olist_geolocation_dataset
-- columns: geolocation_zip_code_prefix, geolocation_state
-- key: geolocation_zip_code_prefix
-- real: 8
SELECT
    geolocation_zip_code_prefix AS key,
    MIN(geolocation_state) || ' and ' || MAX(geolocation_state) AS detail
FROM olist_geolocation_dataset
GROUP BY geolocation_zip_code_prefix
HAVING COUNT(DISTINCT geolocation_state) > 1
