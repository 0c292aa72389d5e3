resource "aws_athena_workgroup" "olist" {
  name        = local.name_prefix
  description = "olistctl: queries over the Olist tables, with a per-query scan cutoff"
  state       = "ENABLED"
  # Query history would otherwise block terraform destroy.
  force_destroy = true

  configuration {
    # Clients cannot override the output location, encryption or cutoff.
    enforce_workgroup_configuration    = true
    publish_cloudwatch_metrics_enabled = true
    bytes_scanned_cutoff_per_query     = var.bytes_scanned_cutoff_per_query

    engine_version {
      selected_engine_version = "Athena engine version 3"
    }

    result_configuration {
      output_location = "s3://${aws_s3_bucket.this["results"].bucket}/${local.athena_results_prefix}"

      encryption_configuration {
        encryption_option = local.use_kms ? "SSE_KMS" : "SSE_S3"
        kms_key_arn       = var.kms_key_arn
      }
    }
  }
}
