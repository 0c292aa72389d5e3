# CloudWatch alarms on the transform function (and its dead-letter queue, when it has
# one), with an optional SNS topic they notify: alarm_topic = true, or alarm_email.
#
# Lambda publishes Errors and Throttles to AWS/Lambda by FunctionName, one data point per
# invocation outcome, and sends them only when nonzero; the Sum over a period counts the
# invocations that failed or were throttled ("Types of metrics for Lambda functions",
# https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html). A period
# without data is therefore a period without errors: missing data is not breaching.

locals {
  alarm_prefix     = "${local.name_prefix}-transform"
  alarm_topic      = var.alarms_enabled && (var.alarm_topic || var.alarm_email != null)
  alarm_topic_name = "${local.name_prefix}-alarms"
  # CloudWatch cannot publish to a topic encrypted with the AWS managed key alias/aws/sns:
  # its key policy, which nobody can edit, does not let CloudWatch use the key. A customer
  # managed key whose policy does is needed ("How do I configure a CloudWatch alarm with
  # an encrypted SNS topic?", https://repost.aws/knowledge-center/cloudwatch-configure-alarm-sns).
  # kms_key_arn when set (its policy must allow that), else a key of the stack's own.
  alarm_topic_key = local.alarm_topic ? (local.use_kms ? var.kms_key_arn : aws_kms_key.alarms[0].arn) : null
  alarm_actions   = local.alarm_topic ? [aws_sns_topic.alarms[0].arn] : []

  function_alarms = var.alarms_enabled ? {
    errors = {
      metric      = "Errors"
      description = "olistctl transform: invocations that failed (an error in the handler, a timeout, out of memory). See the function's log group."
    }
    throttles = {
      metric      = "Throttles"
      description = "olistctl transform: invocations throttled (reserved concurrency or the account's quota reached). Lower olistctl's --concurrency or raise lambda_reserved_concurrency."
    }
  } : {}
}

resource "aws_cloudwatch_metric_alarm" "transform" {
  for_each = local.function_alarms

  alarm_name          = "${local.alarm_prefix}-${each.key}"
  alarm_description   = each.value.description
  namespace           = "AWS/Lambda"
  metric_name         = each.value.metric
  dimensions          = { FunctionName = aws_lambda_function.transform.function_name }
  statistic           = "Sum"
  period              = var.alarm_period_s
  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

# The dead-letter queue receives events only from asynchronous invocations (lambda.tf):
# any message there is an S3-triggered conversion that failed every retry.
resource "aws_cloudwatch_metric_alarm" "transform_dlq" {
  count = var.alarms_enabled && local.dead_letter_queue ? 1 : 0

  alarm_name          = "${local.alarm_prefix}-dead-letters"
  alarm_description   = "olistctl transform: S3-triggered conversions that failed every retry wait in the dead-letter queue. Read them, fix the cause, run olistctl transform."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.transform_dlq[0].name }
  statistic           = "Maximum"
  period              = var.alarm_period_s
  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_sns_topic" "alarms" {
  count = local.alarm_topic ? 1 : 0

  name              = local.alarm_topic_name
  display_name      = "olistctl ${local.stack} alarms"
  kms_master_key_id = local.alarm_topic_key
}

# Only CloudWatch alarms of this stack, in this account, may publish.
data "aws_iam_policy_document" "alarm_topic" {
  count = local.alarm_topic ? 1 : 0

  statement {
    sid       = "CloudWatchAlarmsPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms[0].arn]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:cloudwatch:${var.region}:${local.account_id}:alarm:${local.alarm_prefix}-*"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_sns_topic_policy" "alarms" {
  count = local.alarm_topic ? 1 : 0

  arn    = aws_sns_topic.alarms[0].arn
  policy = data.aws_iam_policy_document.alarm_topic[0].json
}

resource "aws_sns_topic_subscription" "alarm_email" {
  count = local.alarm_topic && var.alarm_email != null ? 1 : 0

  topic_arn = aws_sns_topic.alarms[0].arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

# The topic's key when no kms_key_arn is given: the account administers it, CloudWatch
# (for this account's alarms) and SNS may use it.
data "aws_iam_policy_document" "alarms_key" {
  #checkov:skip=CKV_AWS_109:A key policy, not an identity policy: Resource "*" is this key, and kms:* for the account root is AWS's default key policy, which hands access control to IAM (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html).
  #checkov:skip=CKV_AWS_111:A key policy, not an identity policy: Resource "*" is this key, and kms:* for the account root is AWS's default key policy, which hands access control to IAM.
  #checkov:skip=CKV_AWS_356:A key policy, not an identity policy: Resource "*" in a key policy means the key it is attached to.
  count = local.alarm_topic && !local.use_kms ? 1 : 0

  statement {
    sid       = "AccountAdministersKey"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchAlarmsUseKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_kms_key" "alarms" {
  #checkov:skip=CKV2_AWS_64:A key policy is defined (data.aws_iam_policy_document.alarms_key); checkov does not follow the reference.
  count = local.alarm_topic && !local.use_kms ? 1 : 0

  description             = "olistctl ${local.stack}: encrypts the alarm topic (CloudWatch may use it, alias/aws/sns would not let it)"
  enable_key_rotation     = true
  deletion_window_in_days = 7
  policy                  = data.aws_iam_policy_document.alarms_key[0].json
}
