-- Payments by type: payment rows and their share, orders, value and average installments
SELECT
    payment_type,
    COUNT(*) AS payments,
    ROUND(COUNT(*) * 100.0 / SUM(COUNT(*)) OVER (), 2) AS pct_of_payments,
    COUNT(DISTINCT order_id) AS orders,
    SUM(payment_value) AS total_value,
    AVG(CAST(payment_installments AS decimal(10, 2))) AS avg_installments
FROM olist_order_payments_dataset
GROUP BY payment_type
ORDER BY payments DESC, payment_type
