-- RFM segments of customers (unique people): recency, frequency and monetary value, by segment
-- param: before date = 2018-09-01 -- count delivered orders purchased before this day
-- A person is customer_unique_id. Recency: whole days from the person's last purchase to the
-- latest purchase counted; frequency: delivered orders; monetary: their payments, summed per
-- order first. Segments, the first that fits: champions (2+ orders, last within 90 days),
-- loyal (2+, within 180), at risk (2+, longer ago), new (1 order, within 90 days), big
-- spenders (1 order of 500 or more), promising (1, within 180), hibernating (1, within 365),
-- lost (the rest).
WITH order_value AS (
    SELECT order_id, SUM(payment_value) AS paid
    FROM olist_order_payments_dataset
    GROUP BY order_id
),
people AS (
    SELECT
        c.customer_unique_id AS person,
        MAX(o.order_purchase_timestamp) AS last_purchase,
        COUNT(*) AS orders,
        COALESCE(SUM(v.paid), 0) AS monetary
    FROM olist_orders_dataset AS o
    JOIN olist_customers_dataset AS c
        ON c.customer_id = o.customer_id
    LEFT JOIN order_value AS v
        ON v.order_id = o.order_id
    WHERE o.order_status = 'delivered'
      AND o.order_purchase_timestamp < ?
    GROUP BY c.customer_unique_id
),
scored AS (
    SELECT
        person,
        date_diff('day', last_purchase, MAX(last_purchase) OVER ()) AS recency_days,
        orders,
        monetary
    FROM people
),
segmented AS (
    SELECT
        CASE
            WHEN orders >= 2 AND recency_days <= 90 THEN 1
            WHEN orders >= 2 AND recency_days <= 180 THEN 2
            WHEN orders >= 2 THEN 3
            WHEN recency_days <= 90 THEN 4
            WHEN monetary >= 500 THEN 5
            WHEN recency_days <= 180 THEN 6
            WHEN recency_days <= 365 THEN 7
            ELSE 8
        END AS position,
        recency_days,
        orders,
        monetary
    FROM scored
)
SELECT
    CASE position
        WHEN 1 THEN 'champions'
        WHEN 2 THEN 'loyal'
        WHEN 3 THEN 'at risk'
        WHEN 4 THEN 'new'
        WHEN 5 THEN 'big spenders'
        WHEN 6 THEN 'promising'
        WHEN 7 THEN 'hibernating'
        ELSE 'lost'
    END AS segment,
    COUNT(*) AS customers,
    ROUND(COUNT(*) * 100.0 / SUM(COUNT(*)) OVER (), 2) AS pct_of_customers,
    AVG(CAST(recency_days AS decimal(10, 1))) AS avg_recency_days,
    AVG(CAST(orders AS decimal(10, 2))) AS avg_orders,
    SUM(monetary) AS monetary,
    AVG(monetary) AS avg_monetary
FROM segmented
GROUP BY position
ORDER BY position
