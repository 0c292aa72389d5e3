# The first nine names, and crawler_log_group, are settings olistctl reads from
# `terraform output -json` (olistctl.settings): keep them as they are.

output "region" {
  description = "AWS region of the stack."
  value       = var.region
}

output "raw_bucket" {
  description = "S3 bucket for the raw CSVs (<table>/<file>.csv)."
  value       = aws_s3_bucket.this["raw"].bucket
}

output "processed_bucket" {
  description = "S3 bucket for the Parquet files (<table>/<file>.parquet)."
  value       = aws_s3_bucket.this["processed"].bucket
}

output "results_bucket" {
  description = "S3 bucket for Athena results (athena/) and the olistctl run ledger (olistctl/ledger/)."
  value       = aws_s3_bucket.this["results"].bucket
}

output "function_name" {
  description = "The transform Lambda function."
  value       = aws_lambda_function.transform.function_name
}

output "database" {
  description = "Glue database holding one table per Olist table."
  value       = aws_glue_catalog_database.olist.name
}

output "crawler" {
  description = "Glue crawler over the processed bucket's table folders."
  value       = aws_glue_crawler.processed.name
}

output "workgroup" {
  description = "Athena workgroup (enforced result location, encryption and scan cutoff)."
  value       = aws_athena_workgroup.olist.name
}

output "stack" {
  description = "Value of the olistctl:stack tag on every resource; olistctl teardown requires it."
  value       = local.stack
}

output "account_id" {
  description = "AWS account the stack was deployed to."
  value       = local.account_id
}

output "function_arn" {
  description = "ARN of the transform Lambda function."
  value       = aws_lambda_function.transform.arn
}

output "log_group" {
  description = "CloudWatch log group of the transform function."
  value       = aws_cloudwatch_log_group.transform.name
}

output "crawler_log_group" {
  description = "CloudWatch log group of the Glue crawler (the stack's own; olistctl teardown empties it)."
  value       = aws_cloudwatch_log_group.crawler.name
}

output "dlq_url" {
  description = "SQS dead-letter queue of failed asynchronous (S3-triggered) transform invocations; null unless raw_object_notifications."
  value       = one(aws_sqs_queue.transform_dlq[*].url)
}

output "athena_output_location" {
  description = "Where the workgroup writes query results."
  value       = aws_athena_workgroup.olist.configuration[0].result_configuration[0].output_location
}

output "bytes_scanned_cutoff_per_query" {
  description = "The workgroup's per-query scan limit in bytes."
  value       = var.bytes_scanned_cutoff_per_query
}

output "operator_policy_json" {
  description = "IAM policy (JSON) for the person or CI role that runs olistctl against this stack: every action olistctl uses, scoped to the stack's resources."
  value       = data.aws_iam_policy_document.operator.json
}

output "operator_policy_arn" {
  description = "ARN of the operator policy as a managed policy of the stack; null unless create_operator_policy."
  value       = one(aws_iam_policy.operator[*].arn)
}

output "alarm_names" {
  description = "The CloudWatch alarms on the transform function (and its dead-letter queue)."
  value = concat(
    [for alarm in aws_cloudwatch_metric_alarm.transform : alarm.alarm_name],
    aws_cloudwatch_metric_alarm.transform_dlq[*].alarm_name,
  )
}

output "alarm_topic_arn" {
  description = "SNS topic the alarms notify; null unless alarm_topic or alarm_email."
  value       = one(aws_sns_topic.alarms[*].arn)
}
