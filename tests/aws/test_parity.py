"""Done-when of the AWS backend: the Parquet the Lambda writes and the Parquet `olistctl transform`
writes on the local backend, from the same CSV, are the same bytes — each path as users run it
(upload, then transform), not the core function called by hand."""

from __future__ import annotations

import pytest
from awsstack import NAMES, ORDERS_CSV, require_transform

require_transform()

RAW_KEY = "olist_orders_dataset/olist_orders_dataset.csv"
PROCESSED_KEY = "olist_orders_dataset/olist_orders_dataset.parquet"


@pytest.mark.parametrize("runner", ["lambda", "local"])
def test_lambda_and_local_backend_write_identical_parquet(
    stack, deployed_function, cli, tmp_path, runner
):
    from olistctl import pipeline

    data = tmp_path / "data"
    data.mkdir()
    (data / "olist_orders_dataset.csv").write_bytes(ORDERS_CSV)

    for args in (("upload", data), ("transform",)):
        local = cli("--no-progress", "--workspace", tmp_path / "lake", *args)
        assert local.exit_code == 0, local
    from_local = (tmp_path / "lake" / "processed" / PROCESSED_KEY).read_bytes()

    backend = stack.backend(runner=runner)
    assert [o.status for o in pipeline.upload(backend, [str(data)])] == ["uploaded"]
    assert [o.raw_key for o in pipeline.transform(backend).converted] == [RAW_KEY]
    on_aws = stack.client("s3").get_object(Bucket=NAMES["processed_bucket"], Key=PROCESSED_KEY)

    assert on_aws["Body"].read() == from_local
    assert len(deployed_function.events) == (1 if runner == "lambda" else 0)
