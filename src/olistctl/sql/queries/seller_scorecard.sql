-- Seller scorecard (Olist's seller index): orders, revenue, late hand-over to the carrier, cancellations, reviews
-- param: min_orders integer = 10 -- sellers with at least this many orders
-- Late hand-over: an item whose order reached the carrier after the item's
-- shipping_limit_date (items of orders with no carrier date are not judged). Canceled: the
-- seller's orders whose status is canceled. Reviews: every review of an order the seller sold
-- in (an order with two sellers counts for both); bad is a score of 1 or 2.
WITH sold AS (
    SELECT
        i.seller_id,
        i.order_id,
        i.price,
        i.shipping_limit_date,
        o.order_status,
        o.order_delivered_carrier_date
    FROM olist_order_items_dataset AS i
    JOIN olist_orders_dataset AS o
        ON o.order_id = i.order_id
),
item_totals AS (
    SELECT
        seller_id,
        COUNT(*) AS items,
        SUM(price) AS revenue,
        COUNT_IF(order_delivered_carrier_date IS NOT NULL) AS judged_items,
        COUNT_IF(order_delivered_carrier_date > shipping_limit_date) AS late_items
    FROM sold
    GROUP BY seller_id
),
seller_orders AS (
    SELECT DISTINCT seller_id, order_id, order_status
    FROM sold
),
order_totals AS (
    SELECT seller_id, COUNT(*) AS orders, COUNT_IF(order_status = 'canceled') AS canceled
    FROM seller_orders
    GROUP BY seller_id
),
review_totals AS (
    SELECT
        so.seller_id,
        COUNT(*) AS reviews,
        AVG(CAST(r.review_score AS decimal(10, 2))) AS avg_review_score,
        COUNT_IF(r.review_score <= 2) AS bad_reviews
    FROM seller_orders AS so
    JOIN olist_order_reviews_dataset AS r
        ON r.order_id = so.order_id
    GROUP BY so.seller_id
),
scorecard AS (
    SELECT
        s.seller_id,
        s.seller_city,
        s.seller_state,
        o.orders,
        t.items,
        t.revenue,
        ROUND(t.late_items * 100.0 / NULLIF(t.judged_items, 0), 2) AS late_handover_pct,
        ROUND(o.canceled * 100.0 / o.orders, 2) AS canceled_pct,
        COALESCE(r.reviews, 0) AS reviews,
        r.avg_review_score,
        ROUND(r.bad_reviews * 100.0 / r.reviews, 2) AS bad_review_pct
    FROM olist_sellers_dataset AS s
    JOIN order_totals AS o
        ON o.seller_id = s.seller_id
    JOIN item_totals AS t
        ON t.seller_id = s.seller_id
    LEFT JOIN review_totals AS r
        ON r.seller_id = s.seller_id
)
SELECT *
FROM scorecard
WHERE orders >= ?
ORDER BY revenue DESC, seller_id
