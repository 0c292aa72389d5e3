# What `terraform destroy` of this stack does with the caller's credentials: refresh every
# resource (the provider reads each one's configuration), then delete it. Granted to the
# operator only with operator_can_destroy_infra (operator.tf). The buckets must be empty
# first (force_destroy is off), which `olistctl teardown` sees to before it runs terraform.
#
# The actions are those hashicorp/aws 5.100 called destroying this stack on moto (where
# enforce_tls_policy and raw_object_notifications are off), plus, for what exists only
# otherwise (the TLS-only bucket policies, the S3 trigger and its Lambda permission, the
# dead-letter queue), the calls that read and delete it. Resources as the Service
# Authorization Reference gives them for each action. tests/infra/test_infra_e2e_cli.py
# runs `teardown --destroy-infra` with nothing but the operator policy (this included),
# under moto's IAM enforcement; the apply test lints the rendered policy with parliament.

locals {
  stack_role_arns = [aws_iam_role.transform.arn, aws_iam_role.crawler.arn]
  stack_log_group_arns = flatten([
    for group in [aws_cloudwatch_log_group.transform.name, aws_cloudwatch_log_group.crawler.name] : [
      "${local.logs_arn_prefix}:log-group:${group}",
      "${local.logs_arn_prefix}:log-group:${group}:*",
    ]
  ])
  alarm_arn_pattern = "arn:${local.partition}:cloudwatch:${var.region}:${local.account_id}:alarm:${local.alarm_prefix}-*"

  destroy_statements = merge(
    {
      DestroyStackBuckets = {
        actions = [
          "s3:ListBucket",
          "s3:GetBucketAcl",
          "s3:GetBucketCORS",
          "s3:GetBucketLogging",
          "s3:GetBucketNotification",
          "s3:GetBucketObjectLockConfiguration",
          "s3:GetBucketOwnershipControls",
          "s3:GetBucketPolicy",
          "s3:GetBucketPublicAccessBlock",
          "s3:GetBucketRequestPayment",
          "s3:GetBucketTagging",
          "s3:GetBucketVersioning",
          "s3:GetBucketWebsite",
          "s3:GetAccelerateConfiguration",
          "s3:GetEncryptionConfiguration",
          "s3:GetLifecycleConfiguration",
          "s3:GetReplicationConfiguration",
          "s3:PutBucketNotification",
          "s3:PutBucketOwnershipControls",
          "s3:PutBucketPublicAccessBlock",
          "s3:PutBucketVersioning",
          "s3:PutEncryptionConfiguration",
          "s3:PutLifecycleConfiguration",
          "s3:DeleteBucketPolicy",
          "s3:DeleteBucket",
        ]
        resources = values(local.bucket_arns)
      }
      DestroyStackRoles = {
        actions = [
          "iam:GetRole",
          "iam:GetRolePolicy",
          "iam:ListRolePolicies",
          "iam:ListAttachedRolePolicies",
          "iam:ListInstanceProfilesForRole",
          "iam:DeleteRolePolicy",
          "iam:DeleteRole",
        ]
        resources = local.stack_role_arns
      }
      DestroyTransform = {
        actions = [
          "lambda:GetFunction",
          "lambda:GetFunctionCodeSigningConfig",
          "lambda:ListVersionsByFunction",
          "lambda:GetPolicy",
          "lambda:RemovePermission",
          "lambda:DeleteFunction",
        ]
        resources = [aws_lambda_function.transform.arn]
      }
      DestroyCatalog = {
        actions = [
          "glue:GetDatabase",
          "glue:DeleteDatabase",
          "glue:GetCrawler",
          "glue:DeleteCrawler",
          "glue:GetTags",
        ]
        resources = concat(local.catalog_arns, [
          "${local.glue_arn_prefix}:userDefinedFunction/${local.database_name}/*",
          "${local.glue_arn_prefix}:crawler/${local.crawler_name}",
        ])
      }
      DestroyWorkgroup = {
        actions   = ["athena:GetWorkGroup", "athena:ListTagsForResource", "athena:DeleteWorkGroup"]
        resources = [local.workgroup_arn]
      }
      DestroyLogGroups = {
        actions   = ["logs:ListTagsForResource", "logs:ListTagsLogGroup", "logs:DeleteLogGroup"]
        resources = local.stack_log_group_arns
      }
      # No resource-level permissions for these (Service Authorization Reference, AWS Glue:
      # GetSecurityConfiguration, DeleteSecurityConfiguration).
      DestroyCrawlerSecurityConfiguration = {
        actions   = ["glue:GetSecurityConfiguration", "glue:DeleteSecurityConfiguration"]
        resources = ["*"]
      }
    },
    var.alarms_enabled ? {
      DestroyAlarms = {
        actions   = ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource", "cloudwatch:DeleteAlarms"]
        resources = [local.alarm_arn_pattern]
      }
    } : {},
    local.alarm_topic ? {
      DestroyAlarmTopic = {
        actions   = ["sns:GetTopicAttributes", "sns:ListTagsForResource", "sns:SetTopicAttributes", "sns:DeleteTopic"]
        resources = [aws_sns_topic.alarms[0].arn]
      }
    } : {},
    local.alarm_topic && var.alarm_email != null ? {
      # Subscriptions have no resource-level permissions (Service Authorization Reference,
      # Amazon SNS: GetSubscriptionAttributes, Unsubscribe).
      DestroyAlarmSubscription = {
        actions   = ["sns:GetSubscriptionAttributes", "sns:Unsubscribe"]
        resources = ["*"]
      }
    } : {},
    local.alarm_topic && !local.use_kms ? {
      DestroyAlarmTopicKey = {
        actions = [
          "kms:DescribeKey",
          "kms:GetKeyPolicy",
          "kms:GetKeyRotationStatus",
          "kms:ListResourceTags",
          "kms:ScheduleKeyDeletion",
        ]
        resources = [aws_kms_key.alarms[0].arn]
      }
    } : {},
    local.dead_letter_queue ? {
      DestroyDeadLetterQueue = {
        actions   = ["sqs:GetQueueAttributes", "sqs:ListQueueTags", "sqs:DeleteQueue"]
        resources = [aws_sqs_queue.transform_dlq[0].arn]
      }
    } : {},
  )
}
