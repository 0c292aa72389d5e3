-- Item revenue (price), items and orders per product category, by revenue
-- Products with no category, or a category with no English name, keep what they have.
SELECT
    COALESCE(t.product_category_name_english, p.product_category_name, 'uncategorized')
        AS category,
    ROUND(SUM(i.price), 2) AS revenue,
    COUNT(*) AS items,
    COUNT(DISTINCT i.order_id) AS orders
FROM olist_order_items_dataset AS i
LEFT JOIN olist_products_dataset AS p
    ON p.product_id = i.product_id
-- LEFT: an inner join would drop the products whose category has no translation.
LEFT JOIN product_category_name_translation AS t
    ON t.product_category_name = p.product_category_name
GROUP BY 1
ORDER BY revenue DESC, category
