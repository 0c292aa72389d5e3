data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  account_id      = data.aws_caller_identity.current.account_id
  partition       = data.aws_partition.current.partition
  custom_endpoint = var.endpoint_url != null
  use_kms         = var.kms_key_arn != null

  # The value of the olistctl:stack tag: `olistctl teardown` refuses to empty a
  # bucket that does not carry it (olistctl.settings.STACK_TAG_KEY).
  stack       = "${var.project}-${var.environment}"
  name_prefix = local.stack
  tags = merge(var.tags, {
    Project          = var.project
    Environment      = var.environment
    ManagedBy        = "terraform"
    "olistctl:stack" = local.stack
  })

  # Bucket names are global: the account id keeps two accounts' stacks apart.
  bucket_names = {
    raw       = "${local.name_prefix}-raw-${local.account_id}"
    processed = "${local.name_prefix}-processed-${local.account_id}"
    results   = "${local.name_prefix}-results-${local.account_id}"
  }

  # Glue and Athena reject hyphens in database names (olistctl-dev -> olistctl_dev).
  database_name = replace(local.stack, "-", "_")

  athena_results_prefix = "athena/"
}
