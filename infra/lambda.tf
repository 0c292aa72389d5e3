# The transform: one invocation converts one raw CSV into one Snappy Parquet file.

locals {
  function_name = "${local.name_prefix}-transform"
  log_group     = "/aws/lambda/${local.function_name}"
  lambda_zip    = startswith(var.lambda_zip_path, "/") ? var.lambda_zip_path : "${path.module}/${var.lambda_zip_path}"

  pandas_layer_arn = var.pandas_layer_arn != null ? var.pandas_layer_arn : lookup(var.pandas_layer_arns, var.region, null)
  lambda_layers    = var.attach_pandas_layer && local.pandas_layer_arn != null ? [local.pandas_layer_arn] : []
}

# Created here, before the function, so Lambda never creates an unmanaged one
# with infinite retention.
resource "aws_cloudwatch_log_group" "transform" {
  #checkov:skip=CKV_AWS_338:Transform logs are operational detail of a re-runnable batch job; 7 days (log_retention_days) keeps the CloudWatch bill small.
  #checkov:skip=CKV_AWS_158:Encrypted at rest by CloudWatch Logs by default; kms_key_arn switches to a customer managed key.
  name              = local.log_group
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

# A dead-letter queue receives only events of asynchronous invocations that failed
# every retry ("Asynchronous invocation", https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html);
# a synchronous invoke returns the function's error to its caller
# (https://docs.aws.amazon.com/lambda/latest/dg/invocation-sync.html). olistctl invokes
# synchronously and reports each failed file itself, so the queue exists only when S3
# invokes the function asynchronously (raw_object_notifications), with an alarm on it
# (alarms.tf): an always-empty queue would only suggest a safety net that is not there.
locals {
  dead_letter_queue = var.raw_object_notifications
}

resource "aws_sqs_queue" "transform_dlq" {
  count = local.dead_letter_queue ? 1 : 0

  name                              = "${local.function_name}-dlq"
  message_retention_seconds         = 1209600 # 14 days, the SQS maximum
  sqs_managed_sse_enabled           = local.use_kms ? null : true
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = local.use_kms ? 3600 : null
}

resource "aws_lambda_function" "transform" {
  #checkov:skip=CKV_AWS_117:No VPC resources are used: S3 and the Lambda APIs are reached over public AWS endpoints with TLS, and a VPC would need NAT or endpoints for S3.
  #checkov:skip=CKV_AWS_272:Code signing needs an AWS Signer profile; the zip is built reproducibly and its hash pinned by source_code_hash.
  #checkov:skip=CKV_AWS_116:A dead-letter queue serves asynchronous invocations only; olistctl invokes synchronously, so the function has one exactly when raw_object_notifications makes S3 invoke it (see aws_sqs_queue.transform_dlq).
  #checkov:skip=CKV_AWS_173:The environment holds a bucket name and a log level, no secrets; it is encrypted with an AWS managed key, or kms_key_arn when set.
  function_name = local.function_name
  description   = "olistctl: convert one raw Olist CSV to Snappy Parquet"
  role          = aws_iam_role.transform.arn
  runtime       = "python3.12"
  architectures = ["x86_64"]
  handler       = "olistctl.lambda_handler.handler"

  filename         = local.lambda_zip
  source_code_hash = filebase64sha256(local.lambda_zip)
  layers           = local.lambda_layers

  memory_size                    = var.lambda_memory_mb
  timeout                        = var.lambda_timeout_s
  reserved_concurrent_executions = var.lambda_reserved_concurrency
  kms_key_arn                    = var.kms_key_arn

  ephemeral_storage {
    size = var.lambda_ephemeral_storage_mb
  }

  environment {
    variables = {
      OLISTCTL_PROCESSED_BUCKET = aws_s3_bucket.this["processed"].bucket
      OLISTCTL_LOG_LEVEL        = var.log_level
    }
  }

  tracing_config {
    mode = "Active"
  }

  dynamic "dead_letter_config" {
    for_each = aws_sqs_queue.transform_dlq
    content {
      target_arn = dead_letter_config.value.arn
    }
  }

  lifecycle {
    precondition {
      condition     = !var.attach_pandas_layer || local.pandas_layer_arn != null
      error_message = "No AWS SDK for pandas layer is known for region ${var.region}: set pandas_layer_arn (see https://aws-sdk-pandas.readthedocs.io/en/stable/layers.html) or add the region to pandas_layer_arns."
    }
  }

  depends_on = [
    aws_cloudwatch_log_group.transform,
    aws_iam_role_policy.transform,
  ]
}
