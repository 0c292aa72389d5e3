resource "aws_glue_catalog_database" "olist" {
  name        = local.database_name
  description = "olistctl: the Olist tables, one per processed-bucket folder"
}

# The crawler's logs, in a log group this stack owns.
#
# Without a security configuration a crawler logs to /aws-glue/crawlers, one group
# shared by every crawler of the account and region, which Glue creates untagged
# and whose logs never expire (AWS Glue Developer Guide, "Working with Crawlers
# on the AWS Glue Console": the crawler's logs are in CloudWatch Logs, default
# retention "Never Expire"; "Troubleshooting": /aws-glue/crawlers). The stack can
# neither tag nor delete that group without touching other crawlers' logs.
# A crawler with a security configuration logs instead to
# /aws-glue/crawlers-role/<role path><role name>-<security configuration name>
# (the name other stacks' IAM policies and Terraform use for that group, e.g.
# cds-snc/forms-terraform, aws/glue/locals.tf; AWS's docs describe attaching a
# security configuration to a crawler "to write encrypted Amazon CloudWatch Logs",
# "Encrypting Data Written by Crawlers, Jobs, and Development Endpoints"). That
# group is created here first, tagged, with the stack's retention (and key), and
# the crawler's role may write only there (iam.tf).
locals {
  crawler_security_configuration = "${local.name_prefix}-crawler"
  crawler_log_group              = "/aws-glue/crawlers-role/${local.crawler_role_name}-${local.crawler_security_configuration}"
}

resource "aws_glue_security_configuration" "crawler" {
  #checkov:skip=CKV_AWS_99:The crawler writes no S3 data and no job bookmarks; its CloudWatch logs are SSE-KMS under kms_key_arn when set, else encrypted at rest by CloudWatch Logs' own keys.
  name = local.crawler_security_configuration

  encryption_configuration {
    cloudwatch_encryption {
      cloudwatch_encryption_mode = local.use_kms ? "SSE-KMS" : "DISABLED"
      kms_key_arn                = var.kms_key_arn
    }
    job_bookmarks_encryption {
      job_bookmarks_encryption_mode = "DISABLED"
    }
    s3_encryption {
      s3_encryption_mode = "DISABLED"
    }
  }
}

resource "aws_cloudwatch_log_group" "crawler" {
  #checkov:skip=CKV_AWS_338:Crawler logs are operational detail of a re-runnable catalog refresh; log_retention_days (7) keeps the CloudWatch bill small.
  #checkov:skip=CKV_AWS_158:Encrypted at rest by CloudWatch Logs by default; kms_key_arn switches to a customer managed key.
  name              = local.crawler_log_group
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_glue_crawler" "processed" {
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

  # Logs go to the stack's own group (above), which must exist before the first run.
  security_configuration = aws_glue_security_configuration.crawler.name

  depends_on = [aws_iam_role_policy.crawler, aws_cloudwatch_log_group.crawler]
}
