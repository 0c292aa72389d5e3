-- Installments against order value: orders, total and average value, and value per installment
-- param: payment_type varchar = credit_card -- the payment type: credit_card, boleto, voucher, debit_card or not_defined
-- Per order, the payments of that type are summed, and its installments are the most any of
-- them has. The value per installment is the order's value / installments (a decimal, rounded
-- half up to the cent), averaged; 0 installments (a few credit-card rows) leave it empty.
WITH per_order AS (
    SELECT
        order_id,
        MAX(payment_installments) AS installments,
        SUM(payment_value) AS order_value
    FROM olist_order_payments_dataset
    WHERE payment_type = ?
    GROUP BY order_id
)
SELECT
    installments,
    COUNT(*) AS orders,
    ROUND(COUNT(*) * 100.0 / SUM(COUNT(*)) OVER (), 2) AS pct_of_orders,
    SUM(order_value) AS total_value,
    AVG(order_value) AS avg_order_value,
    AVG(order_value / NULLIF(installments, 0)) AS avg_installment_value
FROM per_order
GROUP BY installments
ORDER BY installments
