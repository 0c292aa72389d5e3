"""Reading what users give: finding the CSV files, recognising each table, streaming typed batches.

Shared by the transform (batches -> Parquet) and the quality checks of raw
files (batches -> counters), so neither imports the other.

- :mod:`~olistctl.ingest.inputs`: the files a path, folder or glob names, each
  recognised by its header (``upload``, ``report quality``).
- :mod:`~olistctl.ingest.header`: the first line: is this a CSV, which table
  (standard library only: it runs on every upload).
- :mod:`~olistctl.ingest.reader`: typed record batches of one CSV, streaming.
- :mod:`~olistctl.ingest.source`: the byte stream pyarrow reads, throttled and remembered.
- :mod:`~olistctl.ingest.locate`: a pyarrow error turned into a file, line and fix.
- :mod:`~olistctl.ingest.csv_types`: column types for a CSV that is no Olist table.
- :mod:`~olistctl.ingest.memory`: the memory pool the big buffers come from.

Nothing is imported with the package: ``upload`` needs only ``inputs`` and ``header``.
"""
