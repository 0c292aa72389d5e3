# Three buckets, configured alike: raw CSVs, processed Parquet, Athena results
# (plus the olistctl run ledger under olistctl/ledger/).

resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_18:Access logging needs a fourth (log) bucket; CloudTrail data events are the opt-in audit trail for this small pipeline.
  #checkov:skip=CKV_AWS_144:Cross-region replication doubles storage for data that can be rebuilt from the source CSVs in minutes.
  #checkov:skip=CKV_AWS_145:SSE-S3 is the default for cost and simplicity; setting kms_key_arn switches every bucket to aws:kms.
  #checkov:skip=CKV2_AWS_62:Event notifications are opt-in (raw_object_notifications) because olistctl invokes the transform itself.
  for_each = local.bucket_names

  bucket        = each.value
  force_destroy = var.force_destroy
}

resource "aws_s3_bucket_ownership_controls" "this" {
  for_each = local.bucket_names

  bucket = aws_s3_bucket.this[each.key].id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  for_each = local.bucket_names

  bucket                  = aws_s3_bucket.this[each.key].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "this" {
  for_each = local.bucket_names

  bucket = aws_s3_bucket.this[each.key].id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  for_each = local.bucket_names

  bucket = aws_s3_bucket.this[each.key].id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = local.use_kms ? "aws:kms" : "AES256"
      kms_master_key_id = var.kms_key_arn
    }
    # Fewer KMS requests (and a smaller KMS bill) when a customer key is used.
    bucket_key_enabled = local.use_kms
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  for_each = local.bucket_names

  bucket = aws_s3_bucket.this[each.key].id
  # Never set transition_default_minimum_object_size here: moto never returns
  # that header and the apply then waits 3 minutes and fails.

  rule {
    id     = "abort-incomplete-multipart-uploads"
    status = "Enabled"
    filter {}
    abort_incomplete_multipart_upload {
      days_after_initiation = var.abort_incomplete_multipart_days
    }
  }

  rule {
    id     = "expire-noncurrent-versions"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }
    expiration {
      expired_object_delete_marker = true
    }
  }

  dynamic "rule" {
    # Only Athena's own output expires; the run ledger in the same bucket stays.
    for_each = each.key == "results" ? [local.athena_results_prefix] : []
    content {
      id     = "expire-athena-results"
      status = "Enabled"
      filter {
        prefix = rule.value
      }
      expiration {
        days = var.athena_results_retention_days
      }
    }
  }

  # A rule that expires versions needs versioning in place first.
  depends_on = [aws_s3_bucket_versioning.this]
}

data "aws_iam_policy_document" "tls_only" {
  for_each = local.bucket_names

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.this[each.key].arn, "${aws_s3_bucket.this[each.key].arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "tls_only" {
  for_each = var.enforce_tls_policy ? local.bucket_names : {}

  bucket = aws_s3_bucket.this[each.key].id
  policy = data.aws_iam_policy_document.tls_only[each.key].json

  # S3 rejects a policy while the public access block is still being applied.
  depends_on = [aws_s3_bucket_public_access_block.this]
}
