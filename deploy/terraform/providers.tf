provider "aws" {
  region = var.aws_region

  default_tags {
    tags = local.tags
  }
}

# CloudFront certificates and CLOUDFRONT-scoped WAF web ACLs must live in us-east-1.
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"

  default_tags {
    tags = local.tags
  }
}

# Destination of the AWS Backup cross-region copy.
provider "aws" {
  alias  = "backup_replica"
  region = var.backup_replica_region

  default_tags {
    tags = local.tags
  }
}
