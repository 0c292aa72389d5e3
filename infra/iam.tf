# Least privilege: each role may touch only what its job needs, and every
# statement names its resources. The one exception is X-Ray (see below).

locals {
  # Lambda and Glue only ever touch keys under the table folders (<table>/<file>).
  raw_object_arns       = [for t in var.tables : "${aws_s3_bucket.this["raw"].arn}/${t}/*"]
  processed_object_arns = [for t in var.tables : "${aws_s3_bucket.this["processed"].arn}/${t}/*"]

  glue_arn_prefix   = "arn:${local.partition}:glue:${var.region}:${local.account_id}"
  logs_arn_prefix   = "arn:${local.partition}:logs:${var.region}:${local.account_id}"
  crawler_name      = "${local.name_prefix}-processed"
  crawler_role_name = "${local.crawler_name}-crawler-role"
}

# ---------------------------------------------------------------------------
# The transform function
# ---------------------------------------------------------------------------

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "transform" {
  name               = "${local.function_name}-role"
  description        = "olistctl transform Lambda: read raw CSVs, write processed Parquet"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

data "aws_iam_policy_document" "transform" {
  # GetObjectVersion: a CSV without olistctl's checksum metadata is hashed, then read
  # again at the same VersionId, which S3 authorizes as s3:GetObjectVersion
  # (https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html).
  statement {
    sid       = "ReadRawObjects"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = local.raw_object_arns
  }

  # With ListBucket a missing key reads as 404 NoSuchKey instead of 403, so the
  # handler's error names the real problem ("If you have the s3:ListBucket
  # permission on the bucket, Amazon S3 returns 404", GetObject,
  # https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html). Limited to the
  # table folders by the s3:prefix condition key
  # (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html).
  # Not verified against AWS: whether S3's not-found check evaluates this condition with
  # the object's key as the prefix; if not, a missing key reads as 403, and the file still
  # fails with the key named. moto does not evaluate IAM conditions (StringLike is skipped).
  statement {
    sid       = "ListRawTableFolders"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.this["raw"].arn]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = [for t in var.tables : "${t}/*"]
    }
  }

  # PutObject covers the multipart calls of a large upload and the overwrite of
  # the deterministic processed key; AbortMultipartUpload cleans up a failed one.
  statement {
    sid       = "WriteProcessedObjects"
    actions   = ["s3:PutObject", "s3:AbortMultipartUpload"]
    resources = local.processed_object_arns
  }

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.transform.arn}:log-stream:*"]
  }

  # X-Ray has no resource-level permissions for these two actions: AWS requires
  # Resource "*" (https://docs.aws.amazon.com/xray/latest/devguide/security_iam_service-with-iam.html).
  statement {
    sid       = "SendTraces"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }

  dynamic "statement" {
    for_each = aws_sqs_queue.transform_dlq
    content {
      sid       = "SendToDeadLetterQueue"
      actions   = ["sqs:SendMessage"]
      resources = [statement.value.arn]
    }
  }

  dynamic "statement" {
    for_each = local.use_kms ? [var.kms_key_arn] : []
    content {
      sid       = "UseStackKey"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "transform" {
  name   = "transform"
  role   = aws_iam_role.transform.id
  policy = data.aws_iam_policy_document.transform.json
}

# ---------------------------------------------------------------------------
# The Glue crawler
# ---------------------------------------------------------------------------

data "aws_iam_policy_document" "glue_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["glue.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "crawler" {
  name               = local.crawler_role_name
  description        = "olistctl Glue crawler: read processed Parquet, maintain the catalog tables"
  assume_role_policy = data.aws_iam_policy_document.glue_assume.json
}

data "aws_iam_policy_document" "crawler" {
  statement {
    sid       = "ReadProcessedObjects"
    actions   = ["s3:GetObject"]
    resources = local.processed_object_arns
  }

  statement {
    sid       = "ListProcessedBucket"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.this["processed"].arn]
  }

  statement {
    sid = "MaintainOwnDatabaseTables"
    actions = [
      "glue:GetDatabase",
      "glue:GetTable",
      "glue:GetTables",
      "glue:CreateTable",
      "glue:UpdateTable",
      "glue:GetPartition",
      "glue:GetPartitions",
      "glue:BatchGetPartition",
      "glue:CreatePartition",
      "glue:BatchCreatePartition",
      "glue:UpdatePartition",
      "glue:BatchUpdatePartition",
    ]
    resources = [
      "${local.glue_arn_prefix}:catalog",
      "${local.glue_arn_prefix}:database/${local.database_name}",
      "${local.glue_arn_prefix}:table/${local.database_name}/*",
    ]
  }

  # Only the stack's own log group (glue.tf), which Terraform creates: no
  # logs:CreateLogGroup, so the crawler can never make an untagged group that
  # keeps its logs forever.
  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${local.logs_arn_prefix}:log-group:${local.crawler_log_group}:log-stream:${local.crawler_name}*"]
  }

  # With a key, Glue associates it with the log group it writes to.
  dynamic "statement" {
    for_each = local.use_kms ? [local.crawler_log_group] : []
    content {
      sid       = "EncryptOwnLogs"
      actions   = ["logs:AssociateKmsKey"]
      resources = ["${local.logs_arn_prefix}:log-group:${statement.value}"]
    }
  }

  dynamic "statement" {
    for_each = local.use_kms ? [var.kms_key_arn] : []
    content {
      sid       = "ReadWithStackKey"
      actions   = ["kms:Decrypt"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "crawler" {
  name   = "crawler"
  role   = aws_iam_role.crawler.id
  policy = data.aws_iam_policy_document.crawler.json
}
