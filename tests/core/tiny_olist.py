"""Hand-made Olist CSV files in the real files' exact byte format (docs/olist-dataset.md §1.1).

Small and consistent (every foreign key resolves), with the traps of the real
files: quoting iff a value starts with a digit, zip prefixes with leading
zeros, review ids always quoted, CRLF and CRLF inside quoted review texts,
a doubled quote, accents, NULLs as empty fields, a product row that is empty
but for its id, and the translation file's BOM, CRLF and missing final newline.
"""

from __future__ import annotations

import csv
import hashlib
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from olistctl.dataset import Table

CUSTOMERS = (
    b'"customer_id","customer_unique_id","customer_zip_code_prefix","customer_city",'
    b'"customer_state"\n'
    b'"06b8999e2fba1a1fbc88172c00ba8bc7","861eff4711a542e4b93843c6dd7febb0","14409",franca,SP\n'
    b'b2b6027bc5c5109e529d4dc6358b12c3,"4e7b3e00288586ebd08712fdd0374a03","01037",sao paulo,SP\n'
    b'"4e7b3e00288586ebd08712fdd0374a03",f9ae226291893fda10af7965268fb7f6,"09790",'
    b"sao bernardo do campo,SP\n"
)

GEOLOCATION = (
    '"geolocation_zip_code_prefix","geolocation_lat","geolocation_lng","geolocation_city",'
    '"geolocation_state"\n'
    '"01037",-23.54562128115268,-46.63929204800168,são paulo,SP\n'
    '"01037",-23.54562128115268,-46.63929204800168,são paulo,SP\n'
    '"09790",-23.69124501286927,-46.56470311164081,sao bernardo do campo,SP\n'
    '"14409",-20.50020740546157,-47.39681413405457,franca,SP\n'
).encode()

ORDERS = (
    b'"order_id","customer_id","order_status","order_purchase_timestamp","order_approved_at",'
    b'"order_delivered_carrier_date","order_delivered_customer_date",'
    b'"order_estimated_delivery_date"\n'
    b'e481f51cbdc54678b7cc49136f2d6af7,"06b8999e2fba1a1fbc88172c00ba8bc7",delivered,'
    b"2017-10-02 10:56:33,2017-10-02 11:07:15,2017-10-04 19:55:00,2017-10-10 21:25:13,"
    b"2017-10-18 00:00:00\n"
    b'"53cdb2fc8bc7dce0b6741e2150273451",b2b6027bc5c5109e529d4dc6358b12c3,shipped,'
    b"2018-07-24 20:41:37,2018-07-26 03:24:27,2018-07-26 14:31:00,,2018-08-13 00:00:00\n"
    b'"47770eb9100c2d0c44946d9cf07ec65d","4e7b3e00288586ebd08712fdd0374a03",created,'
    b"2018-08-08 08:38:49,,,,2018-09-04 00:00:00\n"
)

ORDER_ITEMS = (
    b'"order_id","order_item_id","product_id","seller_id","shipping_limit_date","price",'
    b'"freight_value"\n'
    b'e481f51cbdc54678b7cc49136f2d6af7,1,"87285b34884572647811a353c7ac498a",'
    b'"3504c0cb71d7fa48d967e0e4c94d59d9",2017-10-06 11:07:15,29.99,8.72\n'
    b'"53cdb2fc8bc7dce0b6741e2150273451",1,"595fac2a385ac33a80bd5114aec74eb8",'
    b'"289cdb325fb7e7f891c38608bf9e0962",2018-07-30 03:24:27,118.70,22.76\n'
    b'"53cdb2fc8bc7dce0b6741e2150273451",2,"595fac2a385ac33a80bd5114aec74eb8",'
    b'"289cdb325fb7e7f891c38608bf9e0962",2018-07-30 03:24:27,0.85,0.00\n'
)

ORDER_PAYMENTS = (
    b'"order_id","payment_sequential","payment_type","payment_installments","payment_value"\n'
    b"e481f51cbdc54678b7cc49136f2d6af7,1,credit_card,1,18.12\n"
    b"e481f51cbdc54678b7cc49136f2d6af7,3,voucher,1,2.00\n"
    b"e481f51cbdc54678b7cc49136f2d6af7,2,voucher,1,18.59\n"
    b'"53cdb2fc8bc7dce0b6741e2150273451",1,boleto,1,141.46\n'
    b'"47770eb9100c2d0c44946d9cf07ec65d",1,not_defined,0,0.00\n'
)

ORDER_REVIEWS = (
    '"review_id","order_id","review_score","review_comment_title","review_comment_message",'
    '"review_creation_date","review_answer_timestamp"\r\n'
    '"7bc2406110b926393aa56f80a40eba40","e481f51cbdc54678b7cc49136f2d6af7",4,,,'
    "2018-01-18 00:00:00,2018-01-18 21:46:59\r\n"
    '"80e641a11e56f04c1ad469d5645fdfde","53cdb2fc8bc7dce0b6741e2150273451",5,Ótimo ,'
    '"Recebi bem antes do prazo.\r\nProduto ""top"", recomendo",'
    "2017-10-15 01:00:00,2017-10-16 10:12:00\r\n"
    '"4b49719c8a200003f700d3d986ea1a19","47770eb9100c2d0c44946d9cf07ec65d",1,recomendo,'
    '"Mas um pouco ,travando...pelo valor ta Boa.\r\n",2018-02-16 00:00:00,2018-02-20 10:52:22\r\n'
).encode()

PRODUCTS = (
    b'"product_id","product_category_name","product_name_lenght","product_description_lenght",'
    b'"product_photos_qty","product_weight_g","product_length_cm","product_height_cm",'
    b'"product_width_cm"\n'
    b'"87285b34884572647811a353c7ac498a",utilidades_domesticas,40,268,4,500,19,8,13\n'
    b'"595fac2a385ac33a80bd5114aec74eb8",perfumaria,29,178,1,400,19,13,19\n'
    b"a41e356c76fab66334f36de622ecbd3a,,,,,650,17,14,12\n"
    b'"5eb564652db742ff8f28759cd8d2652a",,,,,,,,\n'
)

SELLERS = (
    b'"seller_id","seller_zip_code_prefix","seller_city","seller_state"\n'
    b'"3504c0cb71d7fa48d967e0e4c94d59d9","14409",franca,SP\n'
    b'"289cdb325fb7e7f891c38608bf9e0962","09790","novo hamburgo, rio grande do sul, brasil",RS\n'
)

TRANSLATION = (
    "\ufeffproduct_category_name,product_category_name_english\r\n"
    "beleza_saude,health_beauty\r\n"
    "utilidades_domesticas,housewares\r\n"
    "perfumaria,perfumery"
).encode()

TINY: dict[str, bytes] = {
    "olist_customers_dataset.csv": CUSTOMERS,
    "olist_geolocation_dataset.csv": GEOLOCATION,
    "olist_orders_dataset.csv": ORDERS,
    "olist_order_items_dataset.csv": ORDER_ITEMS,
    "olist_order_payments_dataset.csv": ORDER_PAYMENTS,
    "olist_order_reviews_dataset.csv": ORDER_REVIEWS,
    "olist_products_dataset.csv": PRODUCTS,
    "olist_sellers_dataset.csv": SELLERS,
    "product_category_name_translation.csv": TRANSLATION,
}


def read_csv_independently(path: Path, table: Table) -> list[dict]:
    """The CSV's rows typed by hand with the csv module: the oracle for round trips."""
    convert = {
        "string": str,
        "int": int,
        "decimal": Decimal,
        "double": float,
        "timestamp": lambda v: datetime.strptime(v, "%Y-%m-%d %H:%M:%S"),
    }
    rows = []
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        assert header == list(table.column_names)
        for record in reader:
            rows.append(
                {
                    c.name: (convert[c.type](v) if v != "" else None)
                    for c, v in zip(table.columns, record, strict=True)
                }
            )
    return rows


def orders_csv(n: int, *, start: int = 0) -> bytes:
    """An orders file of ``n`` rows with distinct ids, in the real format."""
    lines = [ORDERS.split(b"\n", 1)[0] + b"\n"]
    for i in range(start, start + n):
        oid = hashlib.md5(f"o{i}".encode()).hexdigest()
        cid = hashlib.md5(f"c{i}".encode()).hexdigest()
        q = [f'"{x}"' if x[0].isdigit() else x for x in (oid, cid)]
        day = 1 + i % 28
        delivered = "" if i % 7 == 0 else f"2017-11-{day:02d} 18:{i % 60:02d}:00"
        lines.append(
            f"{q[0]},{q[1]},delivered,2017-10-{day:02d} 10:{i % 60:02d}:33,"
            f"2017-10-{day:02d} 11:07:15,2017-10-{day:02d} 19:55:00,{delivered},"
            f"2017-11-{day:02d} 00:00:00\n".encode()
        )
    return b"".join(lines)


def files_in(folder: Path) -> list[str]:
    """Every entry in a folder, hidden ones included (temporary files must not remain)."""
    return sorted(p.name for p in folder.iterdir())
