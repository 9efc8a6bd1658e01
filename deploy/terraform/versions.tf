terraform {
  required_version = ">= 1.6.0, < 2.0.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.82.2"
    }
    random = {
      source  = "hashicorp/random"
      version = "3.6.3"
    }
  }

  # Remote state: S3 with DynamoDB locking. Values are supplied per environment with
  #   terraform init -backend-config=environments/<env>.backend.hcl
  # (see environments/*.backend.hcl.example and deploy/README.md).
  backend "s3" {}
}
