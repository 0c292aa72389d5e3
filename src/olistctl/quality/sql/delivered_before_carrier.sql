-- Orders delivered to the customer before the carrier had them
-- severity: warn
-- table: olist_orders_dataset
-- columns: order_delivered_customer_date, order_delivered_carrier_date
-- key: order_id
-- real: 23
SELECT
    order_id AS key,
    'delivered ' || CAST(order_delivered_customer_date AS varchar)
        || ', carrier ' || CAST(order_delivered_carrier_date AS varchar) AS detail
FROM olist_orders_dataset
WHERE order_delivered_customer_date < order_delivered_carrier_date
