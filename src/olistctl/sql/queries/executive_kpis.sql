-- Headline KPIs: orders, delivered share, GMV, average order value, review score, on-time rate, customers, repeat share
-- kpi: true
-- GMV is items' price + freight, summed per order first. On time uses the timestamp rule
-- (delivered <= estimated), over delivered orders with a delivery date.
WITH order_counts AS (
    SELECT
        COUNT(*) AS orders,
        COUNT_IF(order_status = 'delivered') AS delivered,
        COUNT_IF(order_status = 'delivered' AND order_delivered_customer_date IS NOT NULL)
            AS delivered_with_date,
        COUNT_IF(
            order_status = 'delivered'
            AND order_delivered_customer_date <= order_estimated_delivery_date
        ) AS on_time
    FROM olist_orders_dataset
),
order_value AS (
    SELECT order_id, SUM(price + freight_value) AS gmv
    FROM olist_order_items_dataset
    GROUP BY order_id
),
value_totals AS (
    SELECT SUM(gmv) AS gmv, COUNT(*) AS orders_with_items
    FROM order_value
),
review_totals AS (
    SELECT AVG(CAST(review_score AS decimal(10, 2))) AS avg_score
    FROM olist_order_reviews_dataset
),
people AS (
    SELECT COUNT(*) AS customers, COUNT_IF(orders > 1) AS repeat_customers
    FROM (
        SELECT c.customer_unique_id, COUNT(*) AS orders
        FROM olist_orders_dataset AS o
        JOIN olist_customers_dataset AS c
            ON c.customer_id = o.customer_id
        GROUP BY c.customer_unique_id
    ) AS per_person
),
kpis AS (
    SELECT 1 AS position, 'orders' AS metric, CAST(orders AS varchar) AS value
    FROM order_counts
    UNION ALL
    SELECT 2, 'delivered orders (% of orders)',
        CAST(ROUND(delivered * 100.0 / NULLIF(orders, 0), 2) AS varchar)
    FROM order_counts
    UNION ALL
    SELECT 3, 'GMV (price + freight)', CAST(gmv AS varchar)
    FROM value_totals
    UNION ALL
    SELECT 4, 'average order value', CAST(gmv / NULLIF(orders_with_items, 0) AS varchar)
    FROM value_totals
    UNION ALL
    SELECT 5, 'average review score', CAST(avg_score AS varchar)
    FROM review_totals
    UNION ALL
    SELECT 6, 'on time (% of delivered, timestamp rule)',
        CAST(ROUND(on_time * 100.0 / NULLIF(delivered_with_date, 0), 2) AS varchar)
    FROM order_counts
    UNION ALL
    SELECT 7, 'customers (unique people)', CAST(customers AS varchar)
    FROM people
    UNION ALL
    SELECT 8, 'repeat customers (% of customers)',
        CAST(ROUND(repeat_customers * 100.0 / NULLIF(customers, 0), 2) AS varchar)
    FROM people
)
SELECT metric, value
FROM kpis
ORDER BY position
