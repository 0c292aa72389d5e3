-- The 20 sellers with the most item revenue (price), with their city, state, orders and items
SELECT
    i.seller_id,
    s.seller_city,
    s.seller_state,
    SUM(i.price) AS revenue,
    COUNT(DISTINCT i.order_id) AS orders,
    COUNT(*) AS items
FROM olist_order_items_dataset AS i
LEFT JOIN olist_sellers_dataset AS s
    ON s.seller_id = i.seller_id
GROUP BY i.seller_id, s.seller_city, s.seller_state
ORDER BY revenue DESC, i.seller_id
LIMIT 20
