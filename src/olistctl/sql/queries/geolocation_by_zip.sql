-- Geolocation per zip prefix inside Brazil's bounding box: points, cities, states and the mean position
-- param: prefix varchar = % -- zip prefixes to include, a LIKE pattern: 01% for central Sao Paulo, % for all
-- Brazil's bounding box: latitude -33.75 to 5.27, longitude -73.98 to -34.79. Points outside
-- it (misplaced in the source data) are counted in outside_box and left out of everything
-- else. cities counts the spellings of city names (sao paulo and são paulo are two); the mean
-- position is rounded to 4 places (about 11 m).
WITH located AS (
    SELECT
        geolocation_zip_code_prefix AS zip_prefix,
        geolocation_lat AS lat,
        geolocation_lng AS lng,
        geolocation_city AS city,
        geolocation_state AS state,
        geolocation_lat BETWEEN -33.75 AND 5.27
            AND geolocation_lng BETWEEN -73.98 AND -34.79 AS inside
    FROM olist_geolocation_dataset
    WHERE geolocation_zip_code_prefix LIKE ?
)
SELECT
    zip_prefix,
    COUNT_IF(inside) AS points,
    COUNT_IF(NOT inside) AS outside_box,
    COUNT(DISTINCT CASE WHEN inside THEN city END) AS cities,
    COUNT(DISTINCT CASE WHEN inside THEN state END) AS states,
    MIN(CASE WHEN inside THEN state END) AS state,
    ROUND(AVG(CASE WHEN inside THEN lat END), 4) AS mean_lat,
    ROUND(AVG(CASE WHEN inside THEN lng END), 4) AS mean_lng
FROM located
GROUP BY zip_prefix
ORDER BY zip_prefix
