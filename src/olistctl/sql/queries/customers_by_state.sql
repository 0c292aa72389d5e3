-- Customers (unique people) and orders per customer state, by orders
-- customer_id is one per order; a person is customer_unique_id.
SELECT
    customer_state AS state,
    COUNT(DISTINCT customer_unique_id) AS customers,
    COUNT(*) AS orders,
    ROUND(COUNT(*) * 100.0 / SUM(COUNT(*)) OVER (), 2) AS pct_of_orders
FROM olist_customers_dataset
GROUP BY customer_state
ORDER BY orders DESC, state
