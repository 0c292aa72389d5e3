-- Reviews by score, from 5 down to 1, with each score's share
SELECT
    review_score,
    COUNT(*) AS reviews,
    COUNT(*) * 100.00 / SUM(COUNT(*)) OVER () AS pct
FROM olist_order_reviews_dataset
GROUP BY review_score
ORDER BY review_score DESC
