-- Customers (unique people) by how many orders they placed: 1, 2, 3, 4+, with shares
-- A person is customer_unique_id: customer_id is a new id for every order.
WITH per_person AS (
    SELECT c.customer_unique_id, COUNT(*) AS orders
    FROM olist_orders_dataset AS o
    JOIN olist_customers_dataset AS c
        ON c.customer_id = o.customer_id
    GROUP BY c.customer_unique_id
)
SELECT
    CASE WHEN orders >= 4 THEN '4+' ELSE CAST(orders AS varchar) END AS orders_placed,
    COUNT(*) AS customers,
    ROUND(COUNT(*) * 100.0 / SUM(COUNT(*)) OVER (), 2) AS pct_of_customers
FROM per_person
GROUP BY 1
ORDER BY 1
