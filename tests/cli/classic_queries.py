"""The README's two classic queries of the Olist dataset, as the one copy of their text.

The README shows them, the local CLI test runs them on the sample data, and
the AWS end-to-end test runs them on Athena (moto): all read these constants,
so the SQL a reader copies is the SQL that was tested on both backends.

``100.0`` is a DOUBLE on Athena (a real Athena engine v3 run typed
``ROUND(COUNT(*) * 100.0 / SUM(COUNT(*)) OVER (), 2)`` as ``double``), so the
share is a double rounded to two places, as the original pipeline's README
wrote it.
"""

from __future__ import annotations

# Revenue by product category, in English where a translation exists. LEFT JOIN:
# two real categories have no translation, and an inner join would drop them.
REVENUE_BY_CATEGORY = """\
SELECT COALESCE(t.product_category_name_english, p.product_category_name, 'unknown') AS category,
       ROUND(SUM(i.price), 2) AS revenue,
       COUNT(*) AS items
FROM olist_order_items_dataset i
JOIN olist_products_dataset p ON p.product_id = i.product_id
LEFT JOIN product_category_name_translation t
       ON t.product_category_name = p.product_category_name
GROUP BY 1
ORDER BY revenue DESC
LIMIT 10"""

# The share of delivered orders that arrived by the promised date (the timestamp rule).
ON_TIME_SHARE = """\
SELECT CASE WHEN order_delivered_customer_date <= order_estimated_delivery_date
            THEN 'on time' ELSE 'late' END AS delivery,
       COUNT(*) AS orders,
       ROUND(COUNT(*) * 100.0 / SUM(COUNT(*)) OVER (), 2) AS pct
FROM olist_orders_dataset
WHERE order_status = 'delivered' AND order_delivered_customer_date IS NOT NULL
GROUP BY 1
ORDER BY 1"""

CLASSIC_QUERIES = {"revenue_by_category": REVENUE_BY_CATEGORY, "on_time_share": ON_TIME_SHARE}
