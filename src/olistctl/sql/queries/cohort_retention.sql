-- Monthly cohort retention: of the people who first bought in a month, how many bought again N months later
-- param: since date = 2017-01-01 -- the first cohort month shown (cohorts starting on or after it)
-- param: max_months integer = 12 -- how many months after the first purchase to follow
-- A person is customer_unique_id (customer_id is new for every order); a cohort is the
-- month of a person's first order, of any status. Month N counts calendar months after the
-- cohort's month; month 0 is the whole cohort (100 %). Months in which nobody of a cohort
-- bought have no row.
WITH purchases AS (
    SELECT
        c.customer_unique_id AS person,
        date_trunc('month', o.order_purchase_timestamp) AS month
    FROM olist_orders_dataset AS o
    JOIN olist_customers_dataset AS c
        ON c.customer_id = o.customer_id
),
firsts AS (
    SELECT person, MIN(month) AS cohort
    FROM purchases
    GROUP BY person
),
cohort_sizes AS (
    SELECT cohort, COUNT(*) AS cohort_customers
    FROM firsts
    GROUP BY cohort
),
activity AS (
    SELECT DISTINCT f.cohort, p.person, date_diff('month', f.cohort, p.month) AS month_offset
    FROM purchases AS p
    JOIN firsts AS f
        ON f.person = p.person
)
SELECT
    date_format(a.cohort, '%Y-%m') AS cohort,
    a.month_offset,
    s.cohort_customers,
    COUNT(*) AS customers,
    ROUND(COUNT(*) * 100.0 / s.cohort_customers, 2) AS retention_pct
FROM activity AS a
JOIN cohort_sizes AS s
    ON s.cohort = a.cohort
WHERE a.cohort >= ?
  AND a.month_offset <= ?
GROUP BY a.cohort, a.month_offset, s.cohort_customers
ORDER BY a.cohort, a.month_offset
