resource "aws_glue_catalog_database" "olist" {
  name        = local.database_name
  description = "olistctl: the Olist tables, one per processed-bucket folder"
}

resource "aws_glue_crawler" "processed" {
  #checkov:skip=CKV_AWS_195:A Glue security configuration would only KMS-encrypt crawler logs; they are encrypted at rest by CloudWatch Logs already, and the crawler writes no S3 data.
  name          = local.crawler_name
  description   = "olistctl: one table per Olist table folder of the processed bucket"
  database_name = aws_glue_catalog_database.olist.name
  role          = aws_iam_role.crawler.arn

  # One target per table folder, never the bucket root: a crawler pointed at the
  # root merges same-shaped folders into one table.
  dynamic "s3_target" {
    for_each = var.tables
    content {
      path = "s3://${aws_s3_bucket.this["processed"].bucket}/${s3_target.value}/"
    }
  }

  configuration = jsonencode({
    Version = 1.0
    Grouping = {
      TableGroupingPolicy = "CombineCompatibleSchemas"
    }
    CrawlerOutput = {
      Partitions = {
        AddOrUpdateBehavior = "InheritFromTable"
      }
    }
  })

  # Columns follow the files; a vanished table is logged, never dropped, so a
  # half-finished upload cannot delete a table users query.
  schema_change_policy {
    update_behavior = "UPDATE_IN_DATABASE"
    delete_behavior = "LOG"
  }

  # Every run re-reads every folder: the processed files are overwritten in place.
  recrawl_policy {
    recrawl_behavior = "CRAWL_EVERYTHING"
  }

  depends_on = [aws_iam_role_policy.crawler]
}
