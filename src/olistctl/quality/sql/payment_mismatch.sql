-- Orders whose payments differ from their items' price + freight by more than R$0.01
-- severity: warn
-- table: olist_order_payments_dataset
-- columns: payment_value, price, freight_value
-- key: order_id
-- real: 303
-- Only orders with both items and payments are compared (the real data has 775 orders
-- without items and one without a payment). Each side is summed per order first.
SELECT
    p.order_id AS key,
    'paid ' || CAST(p.paid AS varchar) || ', items ' || CAST(i.due AS varchar) AS detail
FROM (
    SELECT order_id, SUM(payment_value) AS paid
    FROM olist_order_payments_dataset
    GROUP BY order_id
) AS p
JOIN (
    SELECT order_id, SUM(price + freight_value) AS due
    FROM olist_order_items_dataset
    GROUP BY order_id
) AS i
    ON i.order_id = p.order_id
WHERE abs(p.paid - i.due) > DECIMAL '0.01'
