-- Sellers, items and item revenue (price) per seller state, by revenue
SELECT
    s.seller_state AS state,
    COUNT(DISTINCT i.seller_id) AS sellers,
    COUNT(*) AS items,
    SUM(i.price) AS revenue,
    SUM(i.price) * 100 / SUM(SUM(i.price)) OVER () AS pct_of_revenue
FROM olist_order_items_dataset AS i
JOIN olist_sellers_dataset AS s
    ON s.seller_id = i.seller_id
GROUP BY s.seller_state
ORDER BY revenue DESC, state
