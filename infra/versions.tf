terraform {
  required_version = ">= 1.11.0, < 2.0.0"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.100 is the version the offline provider mirror holds (tests and CI).
      version = "~> 5.100"
    }
  }
}
