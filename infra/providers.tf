# With endpoint_url null every endpoint below is null, which the provider reads
# as "not set": each service then uses its real AWS endpoint. Setting it points
# every service this stack touches at one AWS-compatible server (moto in tests).
provider "aws" {
  region = var.region

  s3_use_path_style           = local.custom_endpoint
  skip_credentials_validation = local.custom_endpoint
  skip_metadata_api_check     = local.custom_endpoint
  skip_region_validation      = local.custom_endpoint
  # Kept off even against moto: the account id feeds bucket names and ARNs, and
  # moto's STS answers with its fixed account 123456789012.
  skip_requesting_account_id = false

  endpoints {
    athena     = var.endpoint_url
    cloudwatch = var.endpoint_url
    glue       = var.endpoint_url
    iam        = var.endpoint_url
    kms        = var.endpoint_url
    lambda     = var.endpoint_url
    logs       = var.endpoint_url
    s3         = var.endpoint_url
    sns        = var.endpoint_url
    sqs        = var.endpoint_url
    sts        = var.endpoint_url
    xray       = var.endpoint_url
  }

  default_tags {
    tags = local.tags
  }
}
