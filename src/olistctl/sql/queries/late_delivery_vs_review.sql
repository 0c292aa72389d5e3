-- Review scores of delivered orders: late vs on time (timestamp rule), and by days late (calendar-day rule)
-- One row per review of a delivered order; "bad" is a score of 1 or 2.
WITH delivered AS (
    SELECT
        o.order_delivered_customer_date > o.order_estimated_delivery_date AS late_by_timestamp,
        date_diff(
            'day',
            date(o.order_estimated_delivery_date),
            date(o.order_delivered_customer_date)
        ) AS days_late,
        r.review_score
    FROM olist_orders_dataset AS o
    JOIN olist_order_reviews_dataset AS r
        ON r.order_id = o.order_id
    WHERE o.order_status = 'delivered'
      AND o.order_delivered_customer_date IS NOT NULL
),
bucketed AS (
    SELECT
        'timestamp rule' AS comparison,
        CASE WHEN late_by_timestamp THEN 2 ELSE 1 END AS bucket_order,
        CASE WHEN late_by_timestamp THEN 'late' ELSE 'on time' END AS bucket,
        review_score
    FROM delivered
    UNION ALL
    SELECT
        'calendar-day rule',
        CASE
            WHEN days_late <= 0 THEN 1
            WHEN days_late = 1 THEN 2
            WHEN days_late <= 3 THEN 3
            WHEN days_late <= 7 THEN 4
            WHEN days_late <= 14 THEN 5
            ELSE 6
        END,
        CASE
            WHEN days_late <= 0 THEN 'on time'
            WHEN days_late = 1 THEN '1 day late'
            WHEN days_late <= 3 THEN '2-3 days late'
            WHEN days_late <= 7 THEN '4-7 days late'
            WHEN days_late <= 14 THEN '8-14 days late'
            ELSE '15+ days late'
        END,
        review_score
    FROM delivered
)
SELECT
    comparison,
    bucket,
    COUNT(*) AS reviews,
    AVG(CAST(review_score AS decimal(10, 3))) AS avg_score,
    ROUND(COUNT_IF(review_score <= 2) * 100.0 / COUNT(*), 2) AS bad_review_pct
FROM bucketed
GROUP BY comparison, bucket_order, bucket
ORDER BY comparison DESC, bucket_order
