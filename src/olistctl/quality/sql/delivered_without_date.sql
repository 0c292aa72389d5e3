-- Orders with the status delivered but no delivery date
-- severity: warn
-- table: olist_orders_dataset
-- columns: order_status, order_delivered_customer_date
-- key: order_id
-- real: 8
SELECT
    order_id AS key,
    'bought ' || CAST(order_purchase_timestamp AS varchar) AS detail
FROM olist_orders_dataset
WHERE order_status = 'delivered'
  AND order_delivered_customer_date IS NULL
