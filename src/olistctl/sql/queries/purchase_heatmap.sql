-- Orders by weekday and hour of purchase: one row per weekday, one column per hour (a heatmap)
-- param: since date = 2016-01-01 -- orders purchased on or after this day
-- param: before date = 2019-01-01 -- and before this day (since=2017-11-24 before=2017-11-25: Black Friday)
-- Weekdays are ISO (1 is Monday); hours are those of the purchase timestamp as stored.
SELECT
    day_of_week(order_purchase_timestamp) AS weekday_number,
    CASE day_of_week(order_purchase_timestamp)
        WHEN 1 THEN 'Mon'
        WHEN 2 THEN 'Tue'
        WHEN 3 THEN 'Wed'
        WHEN 4 THEN 'Thu'
        WHEN 5 THEN 'Fri'
        WHEN 6 THEN 'Sat'
        ELSE 'Sun'
    END AS weekday,
    COUNT(*) AS orders,
    COUNT_IF(hour(order_purchase_timestamp) = 0) AS h00,
    COUNT_IF(hour(order_purchase_timestamp) = 1) AS h01,
    COUNT_IF(hour(order_purchase_timestamp) = 2) AS h02,
    COUNT_IF(hour(order_purchase_timestamp) = 3) AS h03,
    COUNT_IF(hour(order_purchase_timestamp) = 4) AS h04,
    COUNT_IF(hour(order_purchase_timestamp) = 5) AS h05,
    COUNT_IF(hour(order_purchase_timestamp) = 6) AS h06,
    COUNT_IF(hour(order_purchase_timestamp) = 7) AS h07,
    COUNT_IF(hour(order_purchase_timestamp) = 8) AS h08,
    COUNT_IF(hour(order_purchase_timestamp) = 9) AS h09,
    COUNT_IF(hour(order_purchase_timestamp) = 10) AS h10,
    COUNT_IF(hour(order_purchase_timestamp) = 11) AS h11,
    COUNT_IF(hour(order_purchase_timestamp) = 12) AS h12,
    COUNT_IF(hour(order_purchase_timestamp) = 13) AS h13,
    COUNT_IF(hour(order_purchase_timestamp) = 14) AS h14,
    COUNT_IF(hour(order_purchase_timestamp) = 15) AS h15,
    COUNT_IF(hour(order_purchase_timestamp) = 16) AS h16,
    COUNT_IF(hour(order_purchase_timestamp) = 17) AS h17,
    COUNT_IF(hour(order_purchase_timestamp) = 18) AS h18,
    COUNT_IF(hour(order_purchase_timestamp) = 19) AS h19,
    COUNT_IF(hour(order_purchase_timestamp) = 20) AS h20,
    COUNT_IF(hour(order_purchase_timestamp) = 21) AS h21,
    COUNT_IF(hour(order_purchase_timestamp) = 22) AS h22,
    COUNT_IF(hour(order_purchase_timestamp) = 23) AS h23
FROM olist_orders_dataset
WHERE order_purchase_timestamp >= ?
  AND order_purchase_timestamp < ?
GROUP BY 1, 2
ORDER BY 1
