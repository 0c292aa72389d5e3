-- Freight against price per item: items, revenue and freight by freight-to-price band, up to the loss zone
-- param: category varchar = % -- product categories, in English, as a LIKE pattern (% for all)
-- Bands of freight_value / price, compared exactly in decimals: under 10 %, 10-25 %,
-- 25-50 %, 50-100 %, and the loss zone where the freight costs at least the price.
-- Categories as in revenue_by_category (English where a translation exists).
WITH items AS (
    SELECT
        i.price,
        i.freight_value,
        COALESCE(t.product_category_name_english, p.product_category_name, 'uncategorized')
            AS category
    FROM olist_order_items_dataset AS i
    LEFT JOIN olist_products_dataset AS p
        ON p.product_id = i.product_id
    LEFT JOIN product_category_name_translation AS t
        ON t.product_category_name = p.product_category_name
),
banded AS (
    SELECT
        CASE
            WHEN freight_value < price * DECIMAL '0.10' THEN 1
            WHEN freight_value < price * DECIMAL '0.25' THEN 2
            WHEN freight_value < price * DECIMAL '0.50' THEN 3
            WHEN freight_value < price THEN 4
            ELSE 5
        END AS band,
        price,
        freight_value
    FROM items
    WHERE category LIKE ?
)
SELECT
    CASE band
        WHEN 1 THEN 'under 10 %'
        WHEN 2 THEN '10-25 %'
        WHEN 3 THEN '25-50 %'
        WHEN 4 THEN '50-100 %'
        ELSE '100 % and more (loss zone)'
    END AS freight_to_price,
    COUNT(*) AS items,
    ROUND(COUNT(*) * 100.0 / SUM(COUNT(*)) OVER (), 2) AS pct_of_items,
    SUM(price) AS revenue,
    SUM(freight_value) AS freight,
    SUM(freight_value) * 100 / SUM(price) AS freight_pct_of_revenue
FROM banded
GROUP BY band
ORDER BY band
