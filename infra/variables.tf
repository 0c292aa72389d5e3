# ---------------------------------------------------------------------------
# Naming and placement
# ---------------------------------------------------------------------------

variable "project" {
  type        = string
  description = "Project name: the first part of every resource name and the Project tag."
  default     = "olistctl"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", var.project))
    error_message = "project must be 3-20 characters of lowercase letters, digits and hyphens, starting with a letter (it becomes part of S3 bucket names)."
  }
}

variable "environment" {
  type        = string
  description = "Environment name (dev, test, prod …): the second part of every resource name and the Environment tag."
  default     = "dev"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,10}[a-z0-9]$", var.environment))
    error_message = "environment must be 2-12 characters of lowercase letters, digits and hyphens, starting with a letter (it becomes part of S3 bucket names)."
  }
}

variable "region" {
  type        = string
  description = "AWS region of the whole stack."
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must look like us-east-1."
  }
}

variable "tags" {
  type        = map(string)
  description = "Extra tags for every resource, added to Project, Environment, ManagedBy and olistctl:stack (which they cannot override)."
  default     = {}
}

variable "endpoint_url" {
  type        = string
  description = "Test only: send every AWS API call to this AWS-compatible endpoint (e.g. a moto server at http://127.0.0.1:5000). null means the real AWS endpoints."
  default     = null

  validation {
    condition     = var.endpoint_url == null || can(regex("^https?://", var.endpoint_url))
    error_message = "endpoint_url must be an http:// or https:// URL, or null for real AWS."
  }
}

# ---------------------------------------------------------------------------
# The dataset
# ---------------------------------------------------------------------------

variable "tables" {
  type        = list(string)
  description = "The Olist tables, one folder each in the raw and processed buckets: the crawler's targets and the Lambda's key prefixes. Must equal olistctl.dataset.TABLES (a test checks it)."
  default = [
    "olist_customers_dataset",
    "olist_geolocation_dataset",
    "olist_order_items_dataset",
    "olist_order_payments_dataset",
    "olist_order_reviews_dataset",
    "olist_orders_dataset",
    "olist_products_dataset",
    "olist_sellers_dataset",
    "product_category_name_translation",
  ]

  validation {
    condition     = length(var.tables) > 0 && alltrue([for t in var.tables : can(regex("^[a-z][a-z0-9_]*$", t))])
    error_message = "tables must be a non-empty list of lowercase names (letters, digits, underscores) usable as Glue table names."
  }
}

# ---------------------------------------------------------------------------
# Storage
# ---------------------------------------------------------------------------

variable "kms_key_arn" {
  type        = string
  description = "Customer managed KMS key for the buckets, the Lambda's environment, its logs and its dead-letter queue, and Athena results. null uses SSE-S3 / AWS owned keys. The key policy must let CloudWatch Logs use it."
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>) or null."
  }
}

variable "enforce_tls_policy" {
  type        = bool
  description = "Attach to each bucket a policy denying requests without TLS (aws:SecureTransport = false). Keep true; only the moto tests set false, because moto answers 403 to object reads whenever a bucket policy has a Condition."
  default     = true
}

variable "force_destroy" {
  type        = bool
  description = "Let terraform destroy delete non-empty buckets. false keeps data safe: `olistctl teardown` empties the buckets (every version) before it destroys the stack."
  default     = false
}

variable "noncurrent_version_expiration_days" {
  type        = number
  description = "Days after which an overwritten or deleted object version is removed (all buckets are versioned)."
  default     = 30

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "noncurrent_version_expiration_days must be a whole number of at least 1."
  }
}

variable "abort_incomplete_multipart_days" {
  type        = number
  description = "Days after which the parts of an unfinished multipart upload are deleted."
  default     = 3

  validation {
    condition     = var.abort_incomplete_multipart_days >= 1 && var.abort_incomplete_multipart_days <= 7 && floor(var.abort_incomplete_multipart_days) == var.abort_incomplete_multipart_days
    error_message = "abort_incomplete_multipart_days must be a whole number from 1 to 7."
  }
}

variable "athena_results_retention_days" {
  type        = number
  description = "Days Athena query results (s3://<results bucket>/athena/) are kept. The rest of the results bucket (the olistctl run ledger) is not expired."
  default     = 7

  validation {
    condition     = var.athena_results_retention_days >= 1 && floor(var.athena_results_retention_days) == var.athena_results_retention_days
    error_message = "athena_results_retention_days must be a whole number of at least 1."
  }
}

# ---------------------------------------------------------------------------
# The transform Lambda
# ---------------------------------------------------------------------------

variable "lambda_zip_path" {
  type        = string
  description = "The function's zip, as built by `python infra/build_lambda.py`; a relative path is relative to infra/."
  default     = "build/olistctl_lambda.zip"
}

variable "lambda_memory_mb" {
  type        = number
  description = "Memory of the transform function in MB (CPU grows with it)."
  default     = 1024

  validation {
    condition     = var.lambda_memory_mb >= 128 && var.lambda_memory_mb <= 10240
    error_message = "lambda_memory_mb must be between 128 and 10240."
  }
}

variable "lambda_timeout_s" {
  type        = number
  description = "Timeout of the transform function in seconds."
  default     = 300

  validation {
    condition     = var.lambda_timeout_s >= 1 && var.lambda_timeout_s <= 900
    error_message = "lambda_timeout_s must be between 1 and 900."
  }
}

variable "lambda_ephemeral_storage_mb" {
  type        = number
  description = "Size of the function's /tmp in MB. The Parquet goes to S3 in parts as it is written, never staged here; /tmp holds only the quality checks' key fingerprints, ~84 MB per GB of orders-like CSV, so 512 lasts to ~6 GB of CSV."
  default     = 512

  validation {
    condition     = var.lambda_ephemeral_storage_mb >= 512 && var.lambda_ephemeral_storage_mb <= 10240
    error_message = "lambda_ephemeral_storage_mb must be between 512 and 10240."
  }
}

variable "lambda_reserved_concurrency" {
  type        = number
  description = "Concurrent executions reserved for (and capping) the function. -1 reserves none: use it on a new account whose concurrency quota is 10, where AWS refuses any reservation."
  default     = 10

  validation {
    condition     = var.lambda_reserved_concurrency == -1 || var.lambda_reserved_concurrency >= 1
    error_message = "lambda_reserved_concurrency must be -1 (no reservation) or at least 1."
  }
}

variable "log_level" {
  type        = string
  description = "Log level of the function (OLISTCTL_LOG_LEVEL)."
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARNING", "ERROR"], var.log_level)
    error_message = "log_level must be DEBUG, INFO, WARNING or ERROR."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Days the function's CloudWatch logs are kept."
  default     = 7

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, … 3653)."
  }
}

variable "attach_pandas_layer" {
  type        = bool
  description = "Attach the AWS SDK for pandas layer (pyarrow for the transform). Only the moto tests set false: moto rejects layer ARNs it does not hold."
  default     = true
}

variable "pandas_layer_arn" {
  type        = string
  description = "The AWS SDK for pandas layer version to attach. null picks the region's entry in pandas_layer_arns."
  default     = null
}

variable "pandas_layer_arns" {
  type        = map(string)
  description = "AWS SDK for pandas layer (AWSSDKPandas-Python312, x86_64) by region, from https://aws-sdk-pandas.readthedocs.io/en/stable/layers.html. Add your region here or set pandas_layer_arn."
  default = {
    "af-south-1" = "arn:aws:lambda:af-south-1:336392948345:layer:AWSSDKPandas-Python312:26"
    "eu-west-1"  = "arn:aws:lambda:eu-west-1:336392948345:layer:AWSSDKPandas-Python312:31"
    "us-east-1"  = "arn:aws:lambda:us-east-1:336392948345:layer:AWSSDKPandas-Python312:31"
  }
}

variable "raw_object_notifications" {
  type        = bool
  description = "Invoke the transform for every .csv created in the raw bucket (S3 event notification). Off by default: `olistctl transform` invokes the function itself, and both together convert each file twice."
  default     = false
}

# ---------------------------------------------------------------------------
# Athena
# ---------------------------------------------------------------------------

variable "bytes_scanned_cutoff_per_query" {
  type        = number
  description = "Athena cancels a query of the workgroup that scans more than this many bytes (a cost guardrail; Athena's minimum is 10 MB)."
  default     = 1073741824

  validation {
    condition     = var.bytes_scanned_cutoff_per_query >= 10485760
    error_message = "bytes_scanned_cutoff_per_query must be at least 10485760 (10 MB), Athena's minimum."
  }
}

# ---------------------------------------------------------------------------
# Alarms
# ---------------------------------------------------------------------------

variable "alarms_enabled" {
  type        = bool
  description = "CloudWatch alarms on the transform function's Errors and Throttles (and on its dead-letter queue, when it has one)."
  default     = true
}

variable "alarm_period_s" {
  type        = number
  description = "Seconds over which each alarm sums its metric; one failed or throttled invocation in a period sets it off."
  default     = 300

  validation {
    condition     = var.alarm_period_s >= 60 && var.alarm_period_s % 60 == 0
    error_message = "alarm_period_s must be a multiple of 60 seconds (Lambda publishes its metrics per minute)."
  }
}

variable "alarm_topic" {
  type        = bool
  description = "Create an encrypted SNS topic that the alarms notify (also implied by alarm_email)."
  default     = false
}

variable "alarm_email" {
  type        = string
  description = "Email address subscribed to the alarm topic (it must confirm the subscription from the mail SNS sends). null: no subscription."
  default     = null

  validation {
    condition     = var.alarm_email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alarm_email))
    error_message = "alarm_email must be an email address, or null."
  }
}

# ---------------------------------------------------------------------------
# Who runs olistctl
# ---------------------------------------------------------------------------

variable "create_operator_policy" {
  type        = bool
  description = "Also create the operator policy (output operator_policy_json) as a managed IAM policy of the stack, to attach to a user, group or role."
  default     = false
}

variable "operator_can_destroy_infra" {
  type        = bool
  description = "Add to the operator policy what `olistctl teardown --destroy-infra` (terraform destroy) needs: deleting every resource of this stack. Off: the operator empties the stack but cannot remove it."
  default     = false
}
