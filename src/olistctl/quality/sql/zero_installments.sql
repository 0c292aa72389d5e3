-- Payments in 0 installments
-- severity: warn
-- table: olist_order_payments_dataset
-- columns: payment_installments
-- key: order_id, payment_sequential
-- real: 2
SELECT
    order_id || ' #' || CAST(payment_sequential AS varchar) AS key,
    payment_type || ' ' || CAST(payment_value AS varchar) AS detail
FROM olist_order_payments_dataset
WHERE payment_installments = 0
