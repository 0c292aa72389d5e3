-- Category scorecard: orders, items, revenue, average price, average review and late share per product category
-- param: min_orders integer = 1 -- categories with at least this many orders
-- Categories in English where a translation exists, as in revenue_by_category. Reviews and
-- lateness are per order: an order counts once for each category it holds. Late is the
-- timestamp rule (delivered > estimated) over delivered orders with a delivery date.
WITH items AS (
    SELECT
        i.order_id,
        i.price,
        COALESCE(t.product_category_name_english, p.product_category_name, 'uncategorized')
            AS category
    FROM olist_order_items_dataset AS i
    LEFT JOIN olist_products_dataset AS p
        ON p.product_id = i.product_id
    LEFT JOIN product_category_name_translation AS t
        ON t.product_category_name = p.product_category_name
),
sales AS (
    SELECT
        category,
        COUNT(DISTINCT order_id) AS orders,
        COUNT(*) AS items,
        SUM(price) AS revenue,
        AVG(price) AS avg_price
    FROM items
    GROUP BY category
),
category_orders AS (
    SELECT DISTINCT category, order_id
    FROM items
),
reviews AS (
    SELECT
        co.category,
        COUNT(*) AS reviews,
        AVG(CAST(r.review_score AS decimal(10, 2))) AS avg_review_score
    FROM category_orders AS co
    JOIN olist_order_reviews_dataset AS r
        ON r.order_id = co.order_id
    GROUP BY co.category
),
deliveries AS (
    SELECT
        co.category,
        COUNT(*) AS delivered_orders,
        COUNT_IF(o.order_delivered_customer_date > o.order_estimated_delivery_date) AS late
    FROM category_orders AS co
    JOIN olist_orders_dataset AS o
        ON o.order_id = co.order_id
    WHERE o.order_status = 'delivered'
      AND o.order_delivered_customer_date IS NOT NULL
    GROUP BY co.category
),
scorecard AS (
    SELECT
        s.category,
        s.orders,
        s.items,
        s.revenue,
        s.avg_price,
        COALESCE(r.reviews, 0) AS reviews,
        r.avg_review_score,
        COALESCE(d.delivered_orders, 0) AS delivered_orders,
        ROUND(d.late * 100.0 / d.delivered_orders, 2) AS late_pct
    FROM sales AS s
    LEFT JOIN reviews AS r
        ON r.category = s.category
    LEFT JOIN deliveries AS d
        ON d.category = s.category
)
SELECT *
FROM scorecard
WHERE orders >= ?
ORDER BY revenue DESC, category
