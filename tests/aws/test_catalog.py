"""The Glue catalog on moto: direct registration from footers, and the crawler's life cycle."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from awsstack import NAMES, respond_with

from olistctl import dataset
from olistctl.backends.aws.catalog import (
    PARQUET_INPUT_FORMAT,
    PARQUET_OUTPUT_FORMAT,
    PARQUET_SERDE,
)
from olistctl.errors import AwsError, DeadlineExceeded, ExitCode, Interrupted, OperationFailed


def parquet_bytes(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="snappy")
    return buffer.getvalue()


def items_table(rows: int) -> pa.Table:
    schema = dataset.arrow_schema(dataset.ORDER_ITEMS)
    return pa.table(
        {
            "order_id": [f"o{i}" for i in range(rows)],
            "order_item_id": [1] * rows,
            "product_id": ["p"] * rows,
            "seller_id": ["s"] * rows,
            "shipping_limit_date": [datetime(2017, 9, 19, 9, 45, 35)] * rows,
            "price": [Decimal("58.90")] * rows,
            "freight_value": [Decimal("13.29")] * rows,
        },
        schema=schema,
    )


def put_processed(stack, key: str, data: bytes) -> None:
    stack.client("s3").put_object(Bucket=NAMES["processed_bucket"], Key=key, Body=data)


def glue_table(stack, name: str) -> dict:
    return stack.client("glue").get_table(DatabaseName=NAMES["database"], Name=name)["Table"]


def test_direct_registration_reads_only_footers_and_writes_crawler_shaped_tables(stack):
    one, two = parquet_bytes(items_table(3)), parquet_bytes(items_table(5))
    put_processed(stack, "olist_order_items_dataset/a.parquet", one)
    put_processed(stack, "olist_order_items_dataset/b.parquet", two)
    put_processed(
        stack, "my_extra/x.parquet", parquet_bytes(pa.table({"n": pa.array([1, 2], pa.int64())}))
    )
    gets: list[dict] = []
    stack.client("s3").meta.events.register(
        "before-parameter-build.s3.GetObject", lambda params, **kw: gets.append(dict(params))
    )
    notes: list[str] = []

    report = stack.backend().catalog.crawl(direct=True, progress=notes.append)

    assert report.status == "SUCCEEDED"
    assert report.diff.added_tables == ["my_extra", "olist_order_items_dataset"]
    assert notes == ["my_extra", "olist_order_items_dataset"]
    assert len(gets) == 3 and all(g["Range"].startswith("bytes=-") for g in gets)

    items = {t.name: t for t in report.tables}["olist_order_items_dataset"]
    assert [(c.name, c.type) for c in items.columns] == [
        (c.name, c.athena_type) for c in dataset.ORDER_ITEMS.columns
    ]
    assert (items.rows, items.files, items.bytes) == (8, 2, len(one) + len(two))
    assert items.location == f"s3://{NAMES['processed_bucket']}/olist_order_items_dataset/"
    extra = {t.name: t for t in report.tables}["my_extra"]
    assert [(c.name, c.type) for c in extra.columns] == [("n", "bigint")]

    raw = glue_table(stack, "olist_order_items_dataset")
    sd = raw["StorageDescriptor"]
    assert sd["SerdeInfo"]["SerializationLibrary"] == PARQUET_SERDE
    assert (sd["InputFormat"], sd["OutputFormat"]) == (PARQUET_INPUT_FORMAT, PARQUET_OUTPUT_FORMAT)
    assert raw["Parameters"]["classification"] == "parquet"
    assert raw["Parameters"]["compressionType"] == "snappy"
    assert raw["TableType"] == "EXTERNAL_TABLE"


def test_a_second_direct_crawl_updates_in_place_and_reports_the_changes(stack):
    put_processed(stack, "olist_order_items_dataset/a.parquet", parquet_bytes(items_table(3)))
    catalog = stack.backend().catalog
    catalog.crawl(direct=True)
    changed = items_table(2).set_column(
        5, "price", pa.array([1.5, 2.5], pa.float64())
    )  # someone wrote doubles
    put_processed(stack, "olist_order_items_dataset/a.parquet", parquet_bytes(changed))

    report = catalog.crawl(direct=True)

    assert report.diff.added_tables == []
    assert report.diff.retyped_columns == [
        ("olist_order_items_dataset", "price", "decimal(10,2)", "double")
    ]
    assert report.tables[0].rows == 2


def test_a_footer_bigger_than_one_read_takes_a_second_ranged_get(stack):
    wide = pa.table({f"column_{i:05d}_with_a_long_name": [1] for i in range(1500)})
    data = parquet_bytes(wide)
    assert int.from_bytes(data[-8:-4], "little") > 64 * 1024
    put_processed(stack, "wide/w.parquet", data)
    gets: list[str] = []
    stack.client("s3").meta.events.register(
        "before-parameter-build.s3.GetObject", lambda params, **kw: gets.append(params["Range"])
    )
    report = stack.backend().catalog.crawl(direct=True)
    assert len(report.tables[0].columns) == 1500
    assert len(gets) == 2 and gets[1].startswith("bytes=") and not gets[1].startswith("bytes=-")


def test_files_that_disagree_or_are_not_parquet_are_refused(stack):
    put_processed(stack, "t/a.parquet", parquet_bytes(pa.table({"x": pa.array([1], pa.int32())})))
    put_processed(stack, "t/b.parquet", parquet_bytes(pa.table({"x": pa.array(["1"])})))
    with pytest.raises(OperationFailed) as caught:
        stack.backend().catalog.crawl(direct=True)
    assert str(caught.value) == (
        f"Parquet files under s3://{NAMES['processed_bucket']}/t/ disagree on their schema "
        "(t/a.parquet vs t/b.parquet): re-run `olistctl transform t --force`"
    )

    put_processed(stack, "t/b.parquet", b"id,name\n1,x\n")
    with pytest.raises(OperationFailed) as caught:
        stack.backend().catalog.crawl(direct=True)
    assert str(caught.value) == (
        f"s3://{NAMES['processed_bucket']}/t/b.parquet is not a Parquet file: delete it, "
        "or re-run `olistctl transform t --force`"
    )


# -- the crawler ------------------------------------------------------------------------


@pytest.fixture
def crawl_transition():
    from moto.moto_api import state_manager

    def set_ticks(times: int) -> None:
        state_manager.set_transition(
            model_name="glue::crawl", transition={"progression": "manual", "times": times}
        )

    yield set_ticks
    state_manager.unset_transition("glue::crawl")


def test_crawler_is_started_polled_until_ready_and_its_tables_reported(stack, crawl_transition):
    crawl_transition(2)  # RUNNING until the crawl has been looked at twice
    glue = stack.client("glue")
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        glue.list_crawls(CrawlerName=NAMES["crawler"])  # moto advances the crawl here
        if len(sleeps) == 1:  # what the real crawler would do meanwhile
            glue.create_table(
                DatabaseName=NAMES["database"],
                TableInput={
                    "Name": "olist_orders_dataset",
                    "StorageDescriptor": {
                        "Columns": [{"Name": "order_id", "Type": "string"}],
                        "Location": f"s3://{NAMES['processed_bucket']}/olist_orders_dataset/",
                    },
                    "Parameters": {"recordCount": "3", "objectCount": "1", "sizeKey": "99"},
                },
            )

    backend = stack.backend()
    backend.catalog.sleep = sleep
    notes: list[str] = []
    report = backend.catalog.crawl(progress=notes.append)

    assert report.status == "SUCCEEDED"  # moto's COMPLETED, in AWS's words
    assert report.diff.added_tables == ["olist_orders_dataset"]
    assert (report.tables[0].rows, report.tables[0].files, report.tables[0].bytes) == (3, 1, 99)
    assert sleeps == [2.0, 3.2]
    assert notes == [f"crawler {NAMES['crawler']}: running"] * 2 + [
        f"crawler {NAMES['crawler']}: ready"
    ]


def test_a_crawler_already_running_is_waited_for(stack, crawl_transition):
    crawl_transition(1)
    glue = stack.client("glue")
    glue.start_crawler(Name=NAMES["crawler"])
    backend = stack.backend()
    backend.catalog.sleep = lambda s: glue.list_crawls(CrawlerName=NAMES["crawler"])
    report = backend.catalog.crawl()
    assert report.status == "SUCCEEDED"
    assert (
        report.message == f"the crawler {NAMES['crawler']} was already running; waited for that run"
    )


def test_a_failed_crawl_raises_with_the_crawlers_reason(stack):
    crawler = {
        "Name": NAMES["crawler"],
        "State": "READY",
        "LastCrawl": {
            "Status": "FAILED",
            "ErrorMessage": "Service is unable to assume provided role.",
            "LogGroup": "/aws-glue/crawlers",
            "LogStream": NAMES["crawler"],
            "StartTime": 1_700_000_000,
        },
    }
    respond_with(stack.client("glue"), "GetCrawler", [None, (200, {"Crawler": crawler})])
    with pytest.raises(AwsError) as caught:
        stack.backend().catalog.crawl()
    assert caught.value.exit_code == ExitCode.AWS
    assert str(caught.value) == (
        f"The Glue crawler {NAMES['crawler']} failed: Service is unable to assume provided role: "
        f"see its log in CloudWatch Logs /aws-glue/crawlers (stream {NAMES['crawler']}), fix the "
        "cause, then run `olistctl crawl` again (or `olistctl crawl --direct`)"
    )


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_a_crawler_that_never_finishes_hits_the_deadline(stack):
    # moto's default: the crawl stays RUNNING until someone lists the crawls.
    fake = FakeTime()
    backend = stack.backend()
    backend.catalog.clock, backend.catalog.sleep = fake.clock, fake.sleep
    backend.catalog.deadline_s = 600
    with pytest.raises(DeadlineExceeded) as caught:
        backend.catalog.crawl()
    assert caught.value.exit_code == ExitCode.TIMEOUT
    assert str(caught.value).startswith(
        f"Gave up waiting for the Glue crawler {NAMES['crawler']} after 600 s: it keeps running"
    )
    assert fake.now == pytest.approx(600)


def test_ctrl_c_while_waiting_for_the_crawler(stack):
    def sleep(seconds: float) -> None:
        raise KeyboardInterrupt

    backend = stack.backend()
    backend.catalog.sleep = sleep
    with pytest.raises(Interrupted) as caught:
        backend.catalog.crawl()
    assert caught.value.exit_code == ExitCode.INTERRUPTED
    assert str(caught.value) == (
        f"Stopped waiting for the Glue crawler {NAMES['crawler']}; it keeps running on AWS: "
        "run `olistctl crawl` again to wait for it and see the tables"
    )


def test_missing_database_names_the_deploy_fix(stack):
    stack.client("glue").delete_database(Name=NAMES["database"])
    with pytest.raises(AwsError) as caught:
        stack.backend().catalog.tables()
    assert str(caught.value).startswith(f"Glue GetTables on database {NAMES['database']} failed:")
    assert "deploy the stack with `terraform -chdir=infra apply`" in str(caught.value)
