-- On-time delivery of delivered orders, by the timestamp rule and by the calendar-day rule
-- kpi: true
-- The promised date is stored at midnight, so "delivered <= estimated" (timestamp rule)
-- calls an order delivered on the promised day late; the calendar-day rule compares dates.
-- 100.0 is a double on Athena: ROUND(…, 2) gives a percentage with two decimals.
WITH delivered AS (
    SELECT
        order_delivered_customer_date AS delivered_at,
        order_estimated_delivery_date AS promised_at
    FROM olist_orders_dataset
    WHERE order_status = 'delivered'
      AND order_delivered_customer_date IS NOT NULL
),
judged AS (
    SELECT
        'timestamp: delivered <= estimated' AS rule,
        CASE WHEN delivered_at <= promised_at THEN 'on time' ELSE 'late' END AS status
    FROM delivered
    UNION ALL
    SELECT
        'calendar day: date(delivered) <= date(estimated)',
        CASE WHEN date(delivered_at) <= date(promised_at) THEN 'on time' ELSE 'late' END
    FROM delivered
)
SELECT
    rule,
    status,
    COUNT(*) AS orders,
    ROUND(COUNT(*) * 100.0 / SUM(COUNT(*)) OVER (PARTITION BY rule), 2) AS pct
FROM judged
GROUP BY rule, status
ORDER BY rule DESC, status DESC
