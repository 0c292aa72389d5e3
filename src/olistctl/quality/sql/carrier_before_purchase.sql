-- Orders handed to the carrier before they were bought
-- severity: warn
-- table: olist_orders_dataset
-- columns: order_delivered_carrier_date, order_purchase_timestamp
-- key: order_id
-- real: 166
SELECT
    order_id AS key,
    'carrier ' || CAST(order_delivered_carrier_date AS varchar)
        || ', bought ' || CAST(order_purchase_timestamp AS varchar) AS detail
FROM olist_orders_dataset
WHERE order_delivered_carrier_date < order_purchase_timestamp
