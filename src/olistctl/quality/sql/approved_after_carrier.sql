-- Orders approved after they were handed to the carrier
-- severity: info
-- table: olist_orders_dataset
-- columns: order_approved_at, order_delivered_carrier_date
-- key: order_id
-- real: 1350
SELECT
    order_id AS key,
    'approved ' || CAST(order_approved_at AS varchar)
        || ', carrier ' || CAST(order_delivered_carrier_date AS varchar) AS detail
FROM olist_orders_dataset
WHERE order_approved_at > order_delivered_carrier_date
