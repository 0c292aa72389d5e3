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
  description = "SQS dead-letter queue of failed asynchronous transform invocations."
  value       = aws_sqs_queue.transform_dlq.url
}

output "athena_output_location" {
  description = "Where the workgroup writes query results."
  value       = aws_athena_workgroup.olist.configuration[0].result_configuration[0].output_location
}

output "bytes_scanned_cutoff_per_query" {
  description = "The workgroup's per-query scan limit in bytes."
  value       = var.bytes_scanned_cutoff_per_query
}
