-- Delivered orders per customer state: delivery days, days against the promised date, late share
-- param: state varchar = % -- a customer state (SP), or a LIKE pattern: % for every state
-- param: since date = 2016-01-01 -- orders purchased on or after this day
-- Delivered orders with a delivery date. Delivery days are whole days from purchase to
-- delivery; days vs estimate are calendar days from the promised date to the delivery day
-- (negative: early). Late is the timestamp rule (delivered > estimated), as in on_time_delivery.
WITH delivered AS (
    SELECT
        c.customer_state AS state,
        date_diff('day', o.order_purchase_timestamp, o.order_delivered_customer_date)
            AS delivery_days,
        date_diff(
            'day',
            date(o.order_estimated_delivery_date),
            date(o.order_delivered_customer_date)
        ) AS days_vs_estimate,
        o.order_delivered_customer_date > o.order_estimated_delivery_date AS late
    FROM olist_orders_dataset AS o
    JOIN olist_customers_dataset AS c
        ON c.customer_id = o.customer_id
    WHERE o.order_status = 'delivered'
      AND o.order_delivered_customer_date IS NOT NULL
      AND c.customer_state LIKE ?
      AND o.order_purchase_timestamp >= ?
)
SELECT
    state,
    COUNT(*) AS delivered_orders,
    AVG(CAST(delivery_days AS decimal(10, 2))) AS avg_delivery_days,
    MAX(delivery_days) AS max_delivery_days,
    AVG(CAST(days_vs_estimate AS decimal(10, 2))) AS avg_days_vs_estimate,
    COUNT_IF(late) AS late_orders,
    ROUND(COUNT_IF(late) * 100.0 / COUNT(*), 2) AS late_pct
FROM delivered
GROUP BY state
ORDER BY delivered_orders DESC, state
