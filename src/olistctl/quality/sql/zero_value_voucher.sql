-- Voucher payments of 0.00
-- severity: info
-- table: olist_order_payments_dataset
-- columns: payment_type, payment_value
-- key: order_id, payment_sequential
-- real: 6
SELECT
    order_id || ' #' || CAST(payment_sequential AS varchar) AS key,
    'voucher 0.00' AS detail
FROM olist_order_payments_dataset
WHERE payment_type = 'voucher'
  AND payment_value = 0
