"""One conversion by the transform Lambda's code, in this process, with its /tmp watched.

    python bench/_lambda_convert.py MODE SOURCE.csv SHA256 SCRATCH_DIR

Modes:

- ``stream``: ``olistctl.lambda_handler.convert_object``, as the function runs it: the
  CSV read from "S3", the Parquet sent to "S3" part by part as it is written.
- ``staged``: what the function did before: the same conversion written to a file in
  /tmp, then read back for the upload.

"S3" is a stand-in client in this process that serves SOURCE as the raw object and
hashes what it receives, so the measure is the function's own work, with no server in
the way. Python's temporary folder (the function's /tmp) is a fresh folder under
SCRATCH_DIR, whose total size a thread samples every few milliseconds.

Prints one JSON object: the peak bytes in /tmp, the Parquet's size, rows and SHA-256
(the benchmark checks both modes wrote the same bytes), and the parts sent.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
import threading
from pathlib import Path

RAW_KEY = "olist_orders_dataset/olist_orders_dataset.csv"
_SAMPLE_S = 0.005


class TmpWatch:
    """The largest total size of the files under a folder, sampled until stopped."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _size(self) -> int:
        total = 0
        for root, _, files in os.walk(self.folder):
            for name in files:
                with contextlib.suppress(FileNotFoundError):  # removed since listed
                    total += os.stat(os.path.join(root, name)).st_size
        return total

    def _run(self) -> None:
        while not self._stop.wait(_SAMPLE_S):
            self.peak = max(self.peak, self._size())

    def __enter__(self) -> TmpWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._size())


class StandInS3:
    """Serves the source as the raw object; hashes what is uploaded (parts in order)."""

    def __init__(self, source: Path, sha256: str) -> None:
        from olistctl import layout

        self.source = source
        self.metadata = {layout.CONTENT_SHA256: sha256}
        self.uploaded = hashlib.sha256()
        self.size = 0
        self.parts = 0

    def get_object(self, **kwargs):
        return {"Body": open(self.source, "rb"), "Metadata": dict(self.metadata)}

    def _take(self, data: bytes) -> None:
        self.uploaded.update(data)
        self.size += len(data)

    def put_object(self, Body, **kwargs):
        self._take(Body)
        return {}

    def create_multipart_upload(self, **kwargs):
        return {"UploadId": "bench"}

    def upload_part(self, Body, **kwargs):
        self._take(Body)
        self.parts += 1
        return {"ETag": f'"{self.parts}"'}

    def complete_multipart_upload(self, **kwargs):
        return {}

    def abort_multipart_upload(self, **kwargs):
        return {}


def stream(s3: StandInS3) -> int:
    from olistctl import lambda_handler

    ref = lambda_handler.ObjectRef("raw", RAW_KEY)
    return lambda_handler.convert_object(s3, ref, "processed")["rows"]


def staged(s3: StandInS3) -> int:
    from olistctl import layout
    from olistctl.dataset import ORDERS
    from olistctl.lambda_handler import HashingReader
    from olistctl.transform import convert_csv

    body = HashingReader(s3.get_object()["Body"])
    with tempfile.TemporaryDirectory(prefix="olistctl-") as tmp:
        dest = Path(tmp) / "out.parquet"
        result = convert_csv(
            body,
            dest,
            table=ORDERS,
            source_name=RAW_KEY,
            source_sha256=s3.metadata[layout.CONTENT_SHA256],
        )
        with open(dest, "rb") as f:  # the upload reads the staged file back
            while chunk := f.read(8 << 20):
                s3._take(chunk)
    return result.rows_written


def main() -> int:
    mode, source, sha256, scratch = sys.argv[1:5]
    tmp = Path(tempfile.mkdtemp(prefix="lambda-tmp-", dir=scratch))
    tempfile.tempdir = str(tmp)  # everything the conversion puts in /tmp lands here
    s3 = StandInS3(Path(source), sha256)
    with TmpWatch(tmp) as watch:
        rows = {"stream": stream, "staged": staged}[mode](s3)
    left = [p.name for p in tmp.rglob("*")]
    tmp.rmdir()  # fails if the conversion left anything behind
    print(
        json.dumps(
            {
                "tmp_peak_bytes": watch.peak,
                "parquet_bytes": s3.size,
                "parquet_sha256": s3.uploaded.hexdigest(),
                "rows": rows,
                "parts": s3.parts,
                "left_in_tmp": left,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
