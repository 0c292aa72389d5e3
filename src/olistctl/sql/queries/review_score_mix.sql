-- Reviews by score, from 5 down to 1, with each score's share
SELECT
    review_score,
    COUNT(*) AS reviews,
    ROUND(COUNT(*) * 100.0 / SUM(COUNT(*)) OVER (), 2) AS pct
FROM olist_order_reviews_dataset
GROUP BY review_score
ORDER BY review_score DESC
