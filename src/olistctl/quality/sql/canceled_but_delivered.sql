-- Orders with the status canceled that have a delivery date
-- severity: warn
-- table: olist_orders_dataset
-- columns: order_status, order_delivered_customer_date
-- key: order_id
-- real: 6
SELECT
    order_id AS key,
    'delivered ' || CAST(order_delivered_customer_date AS varchar) AS detail
FROM olist_orders_dataset
WHERE order_status = 'canceled'
  AND order_delivered_customer_date IS NOT NULL
