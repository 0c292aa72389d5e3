-- Products that weigh 0 g
-- severity: warn
-- table: olist_products_dataset
-- columns: product_weight_g
-- key: product_id
-- real: 4
SELECT
    product_id AS key,
    COALESCE(product_category_name, 'no category') AS detail
FROM olist_products_dataset
WHERE product_weight_g = 0
