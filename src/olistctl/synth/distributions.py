"""Calibration numbers for the synthetic dataset, from docs/olist-dataset.md.

Counts are the real dataset's (99,441 orders) and are scaled to the requested
number of orders; shares and quantile curves are used as they are. A section
reference (§) points at the fact sheet; "assumed" marks the few numbers the
sheet does not give, chosen to agree with the figures it does give.
"""

from __future__ import annotations

from olistctl.dataset import GEOLOCATION, ORDERS, PRODUCTS, SELLERS
from olistctl.synth.sampling import QuantileCurve

REAL_ORDERS = ORDERS.real_rows

# ---------------------------------------------------------------- orders (§1.2.3)

STATUS_ORDERS: dict[str, int] = {
    "delivered": 96_478,
    "shipped": 1_107,
    "canceled": 625,
    "unavailable": 609,
    "invoiced": 314,
    "processing": 301,
    "created": 5,
    "approved": 2,
}

# Orders of each status that have (approved_at, delivered_carrier_date, delivered_customer_date).
STATUS_TIMESTAMPS: dict[str, tuple[int, int, int]] = {
    "delivered": (96_464, 96_476, 96_470),
    "shipped": (1_107, 1_107, 0),
    "canceled": (484, 75, 6),
    "unavailable": (609, 0, 0),
    "invoiced": (314, 0, 0),
    "processing": (301, 0, 0),
    "created": (0, 0, 0),
    "approved": (2, 0, 0),
}

# Orders without any item, by status (§1.2.4).
NO_ITEMS_BY_STATUS: dict[str, int] = {
    "unavailable": 603,
    "canceled": 164,
    "created": 5,
    "invoiced": 2,
    "shipped": 1,
}

# Orders per purchase month (§1.2.3, OrderLens A-18).
ORDERS_PER_MONTH: tuple[tuple[int, int, int], ...] = (
    (2016, 9, 4), (2016, 10, 324), (2016, 11, 0), (2016, 12, 1),
    (2017, 1, 800), (2017, 2, 1_780), (2017, 3, 2_682), (2017, 4, 2_404),
    (2017, 5, 3_700), (2017, 6, 3_245), (2017, 7, 4_026), (2017, 8, 4_331),
    (2017, 9, 4_285), (2017, 10, 4_631), (2017, 11, 7_544), (2017, 12, 5_673),
    (2018, 1, 7_269), (2018, 2, 6_728), (2018, 3, 7_211), (2018, 4, 6_939),
    (2018, 5, 6_873), (2018, 6, 6_167), (2018, 7, 6_292), (2018, 8, 6_512),
    (2018, 9, 16), (2018, 10, 4),
)  # fmt: skip
FIRST_PURCHASE_DAY = "2016-09-04"
LAST_PURCHASE_DAY = "2018-10-17"
# Orders from this day on are the stray, never-delivered tail (20 real, all canceled).
STRAY_FROM_DAY = "2018-09-01"
# Black Friday 2017 (assumed: the day holds about 1/6 of November's orders).
BLACK_FRIDAY = "2017-11-24"
BLACK_FRIDAY_DAY_WEIGHT = 5.5

# Purchase weekday shares, Monday first (§1.5).
WEEKDAY_SHARES = (16.2, 15.5, 15.4, 15.0, 14.7, 10.8, 12.4)
# Purchase hour of day (§1.5: 0.2-0.5 % per hour from 02 to 06, 6-7 % from 10 to 22).
PURCHASE_HOUR_WEIGHTS = (
    2.4, 1.2, 0.5, 0.3, 0.2, 0.2, 0.5, 1.2, 3.0, 4.8, 6.2, 6.6,
    6.0, 6.6, 6.7, 6.4, 6.3, 6.1, 5.9, 6.0, 6.3, 6.3, 5.9, 4.4,
)  # fmt: skip
# Delivery hour of day (§1.2.3: peak at 18:00 with ~10 %, ~3 % at hour 0).
DELIVERY_HOUR_WEIGHTS = (
    3.0, 1.2, 0.6, 0.4, 0.3, 0.3, 0.5, 0.9, 1.6, 2.4, 3.2, 3.9,
    4.6, 5.3, 6.1, 7.4, 8.4, 9.3, 10.0, 9.3, 7.8, 6.2, 4.5, 2.9,
)  # fmt: skip

# Lifecycle intervals (§1.5 p5..p95; the tails are assumed, bounded by §1.2.3's maxima).
APPROVAL_HOURS = QuantileCurve(
    ((0, 0.003), (0.05, 0.14), (0.25, 0.21), (0.5, 0.34), (0.75, 14.3), (0.95, 48.4),
     (0.99, 130.0), (1, 720.0))
)  # fmt: skip
CARRIER_DAYS = QuantileCurve(
    ((0, 0.02), (0.05, 0.25), (0.25, 0.88), (0.5, 1.83), (0.75, 3.65), (0.95, 8.2),
     (0.99, 14.0), (1, 60.0))
)  # fmt: skip
# Carrier -> customer, a little narrower than §1.5's (7.1 / 12.0 / 24.2) so that the
# sum purchase -> delivered matches §1.5's 10.2 / 15.6 / 29.7.
TRANSIT_DAYS = QuantileCurve(
    ((0, 0.3), (0.05, 1.1), (0.25, 3.9), (0.5, 6.6), (0.75, 11.0), (0.95, 22.5),
     (0.99, 36.0), (1, 150.0))
)  # fmt: skip
ESTIMATE_DAYS = QuantileCurve(
    ((0, 3.0), (0.05, 10.3), (0.25, 18.2), (0.5, 23.2), (0.75, 28.3), (0.95, 38.5),
     (0.99, 50.0), (1, 155.0))
)  # fmt: skip
# Delivered orders: the promise (purchase -> estimated, above) is tied to the actual
# delivery time through a Gaussian copula; this correlation makes ~8.1 % of them late
# by timestamp and ~6.8 % by calendar day, as in §1.2.3 (7,826 and 6,534 of 96,470).
ESTIMATE_DELIVERY_CORRELATION = 0.63
DELIVERED_WITH_DATES = 96_470
LATE_BY_TIMESTAMP = 7_826
LATE_BY_CALENDAR_DAY = 6_534
# Days late of the calendar-late ones (assumed: 10 % one day, 20 % 2-3, 25 % 4-7, 20 % 8-14,
# 25 % 15+; with §4 H's bad-review rate per bucket that gives §1.2.3's late mean score of
# ~2.27, and ~1 % of all delivered orders more than 18 days late, §1.2.3's P99).
LATE_DAYS = QuantileCurve(
    ((0, 0.5), (0.10, 1.0), (0.30, 3.0), (0.55, 7.0), (0.75, 14.0), (0.85, 18.0),
     (0.97, 40.0), (1, 188.0))
)  # fmt: skip

# Ordering anomalies (§1.2.3, §1.4 item 6).
CARRIER_BEFORE_PURCHASE = 165
APPROVED_AFTER_CARRIER = 1_350  # includes the carrier-before-purchase ones
DELIVERED_BEFORE_CARRIER = 23
CARRIER_WHOLE_MINUTE_SHARE = 0.297

# ---------------------------------------------------------------- items (§1.2.4)

# Orders with exactly k items; the 25 orders with 10+ items spread up to 21 (assumed split).
ITEMS_PER_ORDER: dict[int, int] = {
    1: 88_863, 2: 7_516, 3: 1_322, 4: 505, 5: 204, 6: 198, 7: 22, 8: 8, 9: 3,
    10: 8, 11: 4, 12: 5, 13: 1, 14: 2, 15: 2, 20: 2, 21: 1,
}  # fmt: skip
REAL_ORDERS_WITH_ITEMS = 98_666
# Orders with 2..5 distinct sellers (the rest have one).
SELLERS_PER_ORDER: dict[int, int] = {2: 1_219, 3: 54, 4: 3, 5: 2}
# In multi-item orders, the share where one product is bought more than once (§1.5).
REPEATED_PRODUCT_SHARE = 0.07
SHIPPING_LIMIT_DAYS = QuantileCurve(
    ((0, 1), (0.05, 2), (0.25, 4), (0.5, 6), (0.75, 8), (0.95, 12), (1, 30))
)
SHIPPING_LIMIT_IN_2020 = 4
SHIPPING_LIMIT_2020_RANGE = ("2020-01-20", "2020-04-09")

# Prices: log-normal around the median, snapped to retail price points (§1.2.4, §1.5).
PRICE_MEDIAN = 74.99
PRICE_LOG_SIGMA = 0.95  # mean/median 120.65/74.99 ~ exp(sigma^2/2)
PRICE_MIN, PRICE_MAX = 0.85, 6_735.00
PRICE_ENDING_90_SHARE = 0.44  # "x9.90" and ".90" points
PRICE_ENDING_99_SHARE = 0.10
PRICE_ENDING_00_SHARE = 0.16
# Category price levels relative to PRICE_MEDIAN (§1.5 medians; unlisted ones are 1.0).
CATEGORY_PRICE_FACTOR: dict[str, float] = {
    "cama_mesa_banho": 79.90 / 74.99,
    "beleza_saude": 80.99 / 74.99,
    "esporte_lazer": 79.00 / 74.99,
    "moveis_decoracao": 64.70 / 74.99,
    "informatica_acessorios": 79.00 / 74.99,
    "utilidades_domesticas": 58.90 / 74.99,
    "relogios_presentes": 129.00 / 74.99,
    "telefonia": 29.99 / 74.99,
    "moveis_escritorio": 139.99 / 74.99,
    # assumed: big-ticket categories
    "pcs": 8.0,
    "eletrodomesticos_2": 4.0,
    "portateis_casa_forno_e_cafe": 3.0,
    "pc_gamer": 2.5,
    "climatizacao": 2.0,
    "instrumentos_musicais": 1.8,
    "consoles_games": 1.4,
}
# Freight: a base plus a weight term, times noise; r(freight, weight) ~ 0.6 (§1.5).
FREIGHT_BASE = 13.2
FREIGHT_PER_KG = 3.0
FREIGHT_WEIGHT_POWER = 0.85
FREIGHT_LOG_SIGMA = 0.5
FREIGHT_MAX = 409.68
FREIGHT_ZERO_ITEMS = 383
# The most frequent real freight values; a few percent of items land on them.
COMMON_FREIGHTS = (15.10, 7.78, 14.10, 11.85, 18.23)
COMMON_FREIGHT_SHARE = 0.07

# ---------------------------------------------------------------- products (§1.2.7)

REAL_PRODUCTS = PRODUCTS.real_rows
NULL_CATEGORY_PRODUCTS = 610
NO_DIMENSION_PRODUCTS = 2  # one of them has every field empty
ZERO_WEIGHT_PRODUCTS = 4
NAME_LENGTH = QuantileCurve(((0, 5), (0.05, 30), (0.25, 42), (0.5, 51), (0.75, 57), (1, 76)))
DESCRIPTION_LENGTH = QuantileCurve(
    ((0, 4), (0.05, 120), (0.25, 340), (0.5, 595), (0.75, 970), (0.95, 2_000), (1, 3_992))
)
PHOTOS = {1: 50, 2: 19, 3: 11, 4: 8, 5: 5, 6: 3, 7: 1.5, 8: 1, 9: 0.5, 10: 0.4, 12: 0.2, 20: 0.1}
WEIGHT_G = QuantileCurve(
    ((0, 2), (0.05, 150), (0.25, 300), (0.5, 700), (0.75, 1_900), (0.95, 10_000),
     (0.99, 22_000), (1, 40_425))
)  # fmt: skip
LENGTH_CM = (7, 105)
HEIGHT_CM = (2, 105)
WIDTH_CM = (6, 118)

# ---------------------------------------------------------------- sellers (§1.2.8)

REAL_SELLERS = SELLERS.real_rows
SELLER_STATES: dict[str, int] = {
    "SP": 1_849, "PR": 349, "MG": 244, "SC": 190, "RJ": 171, "RS": 129, "GO": 40,
    "DF": 30, "ES": 23, "BA": 19, "CE": 13, "PE": 9, "PB": 6, "RN": 5, "MS": 5,
    "MT": 4, "RO": 2, "SE": 2, "AC": 1, "PI": 1, "MA": 1, "AM": 1, "PA": 1,
}  # fmt: skip
# Item share per seller: log-normal (median ~6 orders, top seller ~2 % of items).
SELLER_LOG_SIGMA = 1.6
# The dirty seller_city values of the real file, with the state they come with.
DIRTY_SELLER_CITIES: tuple[tuple[str, str], ...] = (
    ("lages - sc", "SC"),
    ("auriflama/sp", "SP"),
    ("sao paulo / sao paulo", "SP"),
    ("sao paulo - sp", "SP"),
    ("sbc/sp", "SP"),
    ("sp / sp", "SP"),
    ("rio de janeiro \\rio de janeiro", "RJ"),
    ("barbacena/ minas gerais", "MG"),
    ("ferraz de  vasconcelos", "SP"),
    ("sao  paulo", "SP"),
    ("vendas@creditparts.com.br", "SP"),
    ("novo hamburgo, rio grande do sul, brasil", "RS"),
    ("são paulo", "SP"),
    ("santa barbara d´oeste", "SP"),
    ("balenario camboriu", "SC"),
    ("rio de janeiro", "RN"),
    ("caxias do sul", "SP"),
)
SELLERS_ABSENT_FROM_GEO = 7

# ---------------------------------------------------------------- customers (§1.2.1)

CUSTOMER_STATES: dict[str, int] = {
    "SP": 41_746, "RJ": 12_852, "MG": 11_635, "RS": 5_466, "PR": 5_045, "SC": 3_637,
    "BA": 3_380, "DF": 2_140, "ES": 2_033, "GO": 2_020, "PE": 1_652, "CE": 1_336,
    "PA": 975, "MT": 907, "MA": 747, "MS": 715, "PB": 536, "PI": 495, "RN": 485,
    "AL": 413, "SE": 350, "TO": 280, "RO": 253, "AM": 148, "AC": 81, "AP": 68, "RR": 46,
}  # fmt: skip
# People by number of orders (customer_unique_id -> customer_id count).
ORDERS_PER_PERSON: dict[int, int] = {
    1: 93_099, 2: 2_745, 3: 203, 4: 30, 5: 8, 6: 6, 7: 3, 9: 1, 17: 1,
}  # fmt: skip
CUSTOMERS_ABSENT_FROM_GEO = 278
CUSTOMER_ABSENT_PREFIXES = 157

# ---------------------------------------------------------------- geolocation (§1.2.2)

REAL_GEO_ROWS = GEOLOCATION.real_rows
REAL_GEO_PREFIXES = 19_015
# Published top 10; the other 17 states share the rest like their customers.
GEO_STATE_ROWS: dict[str, int] = {
    "SP": 404_268, "MG": 126_336, "RJ": 121_169, "RS": 61_851, "PR": 57_859,
    "SC": 38_328, "BA": 36_045, "GO": 20_139, "ES": 16_748, "PE": 16_432,
}  # fmt: skip
GEO_ROWS_PER_PREFIX_MEDIAN = 29
GEO_ROWS_PER_PREFIX_SIGMA = 1.09  # mean 52.6 = median * exp(sigma^2/2)
GEO_ROWS_PER_PREFIX_MAX = 1_146
GEO_DUPLICATE_SHARE = 261_831 / REAL_GEO_ROWS
GEO_ACCENTED_SHARE = 24_918 / (135_800 + 24_918)  # são paulo vs sao paulo rows
GEO_TWO_STATE_PREFIXES = 8
GEO_OUTSIDE_POINTS = 42
GEO_OUTSIDE_PREFIXES = 21

# ---------------------------------------------------------------- payments (§1.2.5)

# Single-payment orders by type (rows of each type minus those in multi-payment orders).
SINGLE_PAYMENT_TYPES: dict[str, int] = {
    "credit_card": 73_980,
    "boleto": 19_784,
    "voucher": 1_183,
    "debit_card": 1_529,
    "not_defined": 3,
}
# Multi-payment orders by payment rows (2,961 orders; k=2 is 2.3 % of all orders, max 29).
PAYMENTS_PER_MULTI_ORDER: dict[int, int] = {
    2: 2_287, 3: 384, 4: 120, 5: 60, 6: 35, 7: 22, 8: 14, 9: 10, 10: 7, 11: 5,
    12: 3, 13: 2, 14: 2, 15: 2, 16: 1, 17: 1, 18: 1, 19: 1, 21: 1, 22: 1, 29: 1,
}  # fmt: skip
# Multi-payment orders are vouchers plus one credit card, or vouchers only (62/38 rows).
MULTI_ALL_VOUCHER_SHARE = 146 / 2_961
VOUCHER_SHARE_OF_TOTAL = QuantileCurve(((0, 0.02), (0.5, 0.3), (0.9, 0.7), (1, 0.95)))
# Credit-card installments (§1.2.5 20k subset, re-based on credit-card rows).
CARD_INSTALLMENTS: dict[int, float] = {
    1: 32.7, 2: 16.1, 3: 13.7, 4: 9.2, 5: 6.8, 6: 5.3, 7: 2.2, 8: 5.7, 9: 0.8, 10: 7.2,
    11: 0.03, 12: 0.18, 13: 0.02, 14: 0.02, 15: 0.1, 16: 0.01, 17: 0.01, 18: 0.04,
    20: 0.02, 21: 0.005, 22: 0.002, 23: 0.001, 24: 0.03,
}  # fmt: skip
CARD_ZERO_INSTALLMENTS = 2
ZERO_VALUE_VOUCHERS = 6
NO_PAYMENT_ORDERS = 1
# Of 98,665 comparable orders, 264 paid more than the items and 39 less.
RECONCILE_COMPARABLE = 98_665
PAID_MORE = 264
PAID_LESS = 39
PAID_MORE_GAP = QuantileCurve(((0, 0.01), (0.5, 7.49), (0.9, 40.0), (1, 182.81)))
PAID_LESS_GAP = QuantileCurve(((0, 0.01), (0.5, 3.0), (0.9, 20.0), (1, 51.62)))

# ---------------------------------------------------------------- reviews (§1.2.6, §1.5)

NO_REVIEW_ORDERS = 768
# Orders with 2 and 3 reviews (distinct review ids).
EXTRA_REVIEWS: dict[int, int] = {2: 543, 3: 4}
EXTRA_REVIEW_SAME_SCORE_SHARE = 1 - 202 / 547
# Review ids shared by 2 and 3 orders.
SHARED_REVIEW_IDS: dict[int, int] = {2: 764, 3: 25}
REVIEW_CUTOFF_DAY = "2018-08-31"  # last review_creation_date
# Survey days after the promised date for orders never delivered (§1.5: ~2).
UNDELIVERED_SURVEY_DAYS = (1, 2, 2, 2, 3)
# Brazilian DST-start days: local midnight did not exist, the survey says 01:00:00.
DST_START_DAYS = ("2016-10-16", "2017-10-15")
ANSWER_HOURS = QuantileCurve(
    ((0, 2.0), (0.05, 14.0), (0.25, 22.0), (0.5, 40.2), (0.75, 70.0), (0.95, 167.0),
     (0.99, 450.0), (1, 12_449.0))
)  # fmt: skip

# Score mix (shares of scores 1..5) by delivery outcome (§1.5 table).
SCORES_ON_TIME = (6.4, 2.6, 8.1, 20.6, 62.4)
SCORES_NEVER_DELIVERED = (71.0, 7.0, 8.0, 4.0, 10.0)  # 71 % ones (§1.5); rest assumed
# Calendar-day lateness: share of bad reviews (score <= 2) by days late (§4 H).
BAD_REVIEW_SHARE_BY_DAYS_LATE: tuple[tuple[int, float], ...] = (
    (1, 0.1963), (2, 0.4205), (4, 0.6751), (8, 0.8008), (15, 0.7813),
)  # fmt: skip
# Late-order score mix within bad (1, 2) and not bad (3, 4, 5) (§1.5 late row).
LATE_BAD_SPLIT = (45.6, 8.4)
LATE_GOOD_SPLIT = (12.2, 11.9, 21.9)

# Title and message presence by score 1..5 (§1.2.6 table).
TITLE_SHARE = (1_873 / 11_424, 478 / 3_151, 824 / 8_179, 1_735 / 19_142, 6_658 / 57_328)
MESSAGE_SHARE = (0.765, 0.681, 0.435, 0.312, 0.359)
MESSAGE_LINE_BREAK_SHARE = 0.098
MESSAGE_COMMA_SHARE = 0.36
QUOTED_MESSAGES = 123  # 0.3 % of the 40,977 messages contain a double quote
MESSAGE_BLANK_SHARE = 27 / 41_000  # whitespace-only messages
