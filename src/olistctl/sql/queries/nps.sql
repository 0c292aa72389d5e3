-- Net Promoter Score from review scores, per month of the review and overall
-- param: since date = 2016-01-01 -- reviews created on or after this day
-- The 1-5 review score on NPS's scale: promoters gave 5, passives 4, detractors 1 to 3.
-- NPS is % promoters - % detractors, from -100 to 100 (a double, rounded to one place).
WITH scored AS (
    SELECT date_format(review_creation_date, '%Y-%m') AS month, review_score
    FROM olist_order_reviews_dataset
    WHERE review_creation_date >= ?
),
counted AS (
    SELECT
        0 AS position,
        month,
        COUNT(*) AS reviews,
        COUNT_IF(review_score = 5) AS promoters,
        COUNT_IF(review_score = 4) AS passives,
        COUNT_IF(review_score <= 3) AS detractors
    FROM scored
    GROUP BY month
    UNION ALL
    SELECT
        1,
        'all',
        COUNT(*),
        COUNT_IF(review_score = 5),
        COUNT_IF(review_score = 4),
        COUNT_IF(review_score <= 3)
    FROM scored
)
SELECT
    month,
    reviews,
    promoters,
    passives,
    detractors,
    ROUND(promoters * 100.0 / NULLIF(reviews, 0), 2) AS promoters_pct,
    ROUND(detractors * 100.0 / NULLIF(reviews, 0), 2) AS detractors_pct,
    ROUND((promoters - detractors) * 100.0 / NULLIF(reviews, 0), 1) AS nps
FROM counted
ORDER BY position, month
