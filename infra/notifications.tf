# Optional (raw_object_notifications): S3 invokes the transform for each new CSV.

resource "aws_lambda_permission" "raw_bucket_invoke" {
  count = var.raw_object_notifications ? 1 : 0

  statement_id   = "AllowRawBucketInvoke"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.transform.function_name
  principal      = "s3.amazonaws.com"
  source_arn     = aws_s3_bucket.this["raw"].arn
  source_account = local.account_id
}

resource "aws_s3_bucket_notification" "raw_csv_created" {
  count = var.raw_object_notifications ? 1 : 0

  bucket = aws_s3_bucket.this["raw"].id

  lambda_function {
    lambda_function_arn = aws_lambda_function.transform.arn
    events              = ["s3:ObjectCreated:*"]
    filter_suffix       = ".csv"
  }

  depends_on = [aws_lambda_permission.raw_bucket_invoke]
}
