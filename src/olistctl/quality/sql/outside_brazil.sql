-- Geolocation points outside Brazil's bounding box (latitude -33.75 to 5.27, longitude -73.98 to -34.79)
-- severity: warn
-- table: olist_geolocation_dataset
-- columns: geolocation_lat, geolocation_lng
-- key: geolocation_zip_code_prefix
-- real: 42
SELECT
    geolocation_zip_code_prefix AS key,
    CAST(geolocation_lat AS varchar) || ', ' || CAST(geolocation_lng AS varchar) AS detail
FROM olist_geolocation_dataset
WHERE geolocation_lat NOT BETWEEN -33.75 AND 5.27
   OR geolocation_lng NOT BETWEEN -73.98 AND -34.79
