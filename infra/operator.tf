# The operator policy: what the person or CI role that runs olistctl against this stack
# needs, and nothing more (infra/README.md, "Who may run olistctl"). It is an output
# (operator_policy_json) to attach wherever the operator's identity lives, and, with
# create_operator_policy = true, a managed policy of the stack (operator_policy_arn).
#
# Every action comes from a boto3 call olistctl makes on the aws backend, or from what
# Athena does with the caller's own permissions; tests/infra/test_operator_policy.py
# fails when the code calls an AWS API this policy does not grant. Actions and the
# resource types they accept follow the Service Authorization Reference
# (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html);
# S3 operations map to actions as in "Required permissions for Amazon S3 API operations"
# (https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html):
# ListObjectsV2 -> s3:ListBucket, ListObjectVersions -> s3:ListBucketVersions,
# HeadObject -> s3:GetObject, a GetObject of a given VersionId -> s3:GetObjectVersion,
# the multipart upload calls -> s3:PutObject, DeleteObjects of versions ->
# s3:DeleteObjectVersion, GetBucketEncryption -> s3:GetEncryptionConfiguration.
# sts:GetCallerIdentity (teardown) needs no permission: "No permissions are required to
# perform this operation" (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).

locals {
  bucket_arns = { for stage, bucket in aws_s3_bucket.this : stage => bucket.arn }
  # Keys olistctl writes and reads: the table folders of raw and processed, Athena's
  # results and the run ledger in the results bucket.
  operator_object_arns = concat(
    local.raw_object_arns,
    local.processed_object_arns,
    [
      "${local.bucket_arns["results"]}/${local.athena_results_prefix}*",
      "${local.bucket_arns["results"]}/olistctl/ledger/*",
    ],
  )
  workgroup_arn = "arn:${local.partition}:athena:${var.region}:${local.account_id}:workgroup/${local.name_prefix}"
  catalog_arns = [
    "${local.glue_arn_prefix}:catalog",
    "${local.glue_arn_prefix}:database/${local.database_name}",
    "${local.glue_arn_prefix}:table/${local.database_name}/*",
  ]
}

data "aws_iam_policy_document" "operator" {
  # Listing (upload's skip test, transform, status, teardown, report cost), the buckets'
  # tags (teardown refuses a bucket without the stack's tag) and default encryption
  # (every write asks for it). GetBucketLocation: Athena's own need on its data and
  # results buckets ("Access to Amazon S3", https://docs.aws.amazon.com/athena/latest/ug/s3-permissions.html).
  statement {
    sid = "InspectStackBuckets"
    actions = [
      "s3:ListBucket",
      "s3:ListBucketVersions",
      "s3:ListBucketMultipartUploads",
      "s3:GetBucketLocation",
      "s3:GetBucketTagging",
      "s3:GetEncryptionConfiguration",
    ]
    resources = values(local.bucket_arns)
  }

  # upload (raw), transform --runner local (raw -> processed), Athena's results and
  # the run ledger. ListMultipartUploadParts: Athena writing large results.
  statement {
    sid = "ReadWriteStackObjects"
    actions = [
      "s3:GetObject",
      "s3:GetObjectVersion",
      "s3:PutObject",
      "s3:AbortMultipartUpload",
      "s3:ListMultipartUploadParts",
    ]
    resources = local.operator_object_arns
  }

  # teardown: every version and delete marker of the stack's buckets, whatever its key.
  statement {
    sid       = "EmptyStackBuckets"
    actions   = ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:AbortMultipartUpload"]
    resources = [for arn in values(local.bucket_arns) : "${arn}/*"]
  }

  # transform (Invoke); report cost reads the function's memory size.
  statement {
    sid       = "InvokeTransform"
    actions   = ["lambda:InvokeFunction", "lambda:GetFunctionConfiguration"]
    resources = [aws_lambda_function.transform.arn]
  }

  # crawl --direct (Create/UpdateTable), status and report quality (GetTables), teardown
  # (BatchDeleteTable), report cost (GetTableVersions, GetPartitions); the rest is what
  # Athena reads from the catalog with the caller's permissions
  # (https://docs.aws.amazon.com/athena/latest/ug/fine-grained-access-to-glue-resources.html).
  statement {
    sid = "UseStackCatalog"
    actions = [
      "glue:GetDatabase",
      "glue:GetTable",
      "glue:GetTables",
      "glue:GetTableVersions",
      "glue:GetPartition",
      "glue:GetPartitions",
      "glue:BatchGetPartition",
      "glue:CreateTable",
      "glue:UpdateTable",
      "glue:BatchDeleteTable",
    ]
    resources = local.catalog_arns
  }

  # teardown reads the database's tags before it drops a table.
  statement {
    sid       = "ReadStackDatabaseTags"
    actions   = ["glue:GetTags"]
    resources = ["${local.glue_arn_prefix}:database/${local.database_name}"]
  }

  statement {
    sid       = "RunStackCrawler"
    actions   = ["glue:GetCrawler", "glue:StartCrawler", "glue:ListCrawls"]
    resources = ["${local.glue_arn_prefix}:crawler/${local.crawler_name}"]
  }

  statement {
    sid = "QueryStackWorkgroup"
    actions = [
      "athena:StartQueryExecution",
      "athena:StopQueryExecution",
      "athena:GetQueryExecution",
      "athena:GetQueryResults",
      "athena:ListQueryExecutions",
      "athena:BatchGetQueryExecution",
    ]
    resources = [local.workgroup_arn]
  }

  # teardown empties the crawler's own log group after checking its tag.
  statement {
    sid       = "EmptyCrawlerLogGroup"
    actions   = ["logs:DescribeLogStreams", "logs:ListTagsForResource"]
    resources = ["${local.logs_arn_prefix}:log-group:${local.crawler_log_group}"]
  }

  statement {
    sid       = "DeleteCrawlerLogStreams"
    actions   = ["logs:DeleteLogStream"]
    resources = ["${local.logs_arn_prefix}:log-group:${local.crawler_log_group}:log-stream:*"]
  }

  # Actions without resource-level permissions: the Service Authorization Reference lists
  # no resource type for them, so only "*" can grant them. All read-only:
  # logs:DescribeLogGroups (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html),
  # cloudwatch:GetMetricStatistics (…/list_amazoncloudwatch.html), glue:GetCrawlerMetrics
  # (…/list_awsglue.html), ce:GetCostAndUsage (…/list_awscostexplorerservice.html;
  # report cost --actual) and pricing:GetProducts (…/list_awspricelist.html; prices from
  # the AWS Price List).
  statement {
    sid = "ReadAccountMetricsAndPrices"
    actions = [
      "logs:DescribeLogGroups",
      "cloudwatch:GetMetricStatistics",
      "glue:GetCrawlerMetrics",
      "ce:GetCostAndUsage",
      "pricing:GetProducts",
    ]
    resources = ["*"]
  }

  dynamic "statement" {
    for_each = local.use_kms ? [var.kms_key_arn] : []
    content {
      sid       = "UseStackKey"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }

  # `teardown --destroy-infra` runs `terraform destroy` with the operator's credentials:
  # it reads every resource of the stack, then deletes it (destroy.tf).
  dynamic "statement" {
    for_each = var.operator_can_destroy_infra ? local.destroy_statements : {}
    content {
      sid       = statement.key
      actions   = statement.value.actions
      resources = statement.value.resources
    }
  }
}

resource "aws_iam_policy" "operator" {
  count = var.create_operator_policy ? 1 : 0

  name        = "${local.name_prefix}-operator"
  description = "olistctl: what the person or CI role running olistctl against ${local.stack} may do"
  policy      = data.aws_iam_policy_document.operator.json
}
