-- Orders by status, with each status's share of all orders
-- kpi: true
SELECT
    order_status,
    COUNT(*) AS orders,
    COUNT(*) * 100.00 / SUM(COUNT(*)) OVER () AS pct
FROM olist_orders_dataset
GROUP BY order_status
ORDER BY orders DESC, order_status
