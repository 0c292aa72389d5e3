-- Orders and GMV (items' price + freight) per purchase month, with the month-on-month GMV change
-- Items are summed per order first: joining payments or items to orders and summing
-- afterwards counts an order's value once per joined row.
WITH order_value AS (
    SELECT order_id, SUM(price + freight_value) AS gmv
    FROM olist_order_items_dataset
    GROUP BY order_id
),
monthly AS (
    SELECT
        date_format(o.order_purchase_timestamp, '%Y-%m') AS month,
        COUNT(*) AS orders,
        COALESCE(SUM(v.gmv), 0) AS gmv
    FROM olist_orders_dataset AS o
    LEFT JOIN order_value AS v
        ON v.order_id = o.order_id
    GROUP BY 1
)
SELECT
    month,
    orders,
    gmv,
    -- decimal arithmetic: a percentage rounded half up to 2 places
    (gmv - LAG(gmv) OVER (ORDER BY month)) * 100
        / NULLIF(LAG(gmv) OVER (ORDER BY month), 0) AS gmv_change_pct
FROM monthly
ORDER BY month
