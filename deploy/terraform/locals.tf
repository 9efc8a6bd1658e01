data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_availability_zones" "available" {
  state = "available"

  filter {
    name   = "zone-name"
    values = [for s in var.availability_zone_suffixes : "${var.aws_region}${s}"]
  }
}

locals {
  name       = "${var.project}-${var.environment}"
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  az_count   = length(var.availability_zone_suffixes)
  azs        = sort(data.aws_availability_zones.available.names)

  tags = {
    Project     = var.project
    Environment = var.environment
    ManagedBy   = "terraform"
    Repository  = var.github_repository
  }

  # /16 -> /20 subnets: public 0-2, private (app) 4-6, isolated (data) 8-10.
  public_subnet_cidrs   = [for i in range(local.az_count) : cidrsubnet(var.vpc_cidr, 4, i)]
  private_subnet_cidrs  = [for i in range(local.az_count) : cidrsubnet(var.vpc_cidr, 4, i + 4)]
  isolated_subnet_cidrs = [for i in range(local.az_count) : cidrsubnet(var.vpc_cidr, 4, i + 8)]

  nat_gateway_count = var.single_nat_gateway ? 1 : local.az_count

  site_url = "https://${var.domain_name}"

  # Names of the values that come from Secrets Manager. Must match the "secrets" sections
  # of deploy/ecs/*.json (checked by deploy/tests).
  secret_names = [
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "STRIPE_SECRET_KEY",
    "STRIPE_PUBLISHABLE_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "SENDGRID_API_KEY",
    "ANYMAIL_WEBHOOK_SECRET",
    "TWILIO_AUTH_TOKEN",
    "SENTRY_DSN",
  ]

  # Secrets whose value Terraform generates; the rest are entered by an operator
  # (deploy/README.md, "First-time setup").
  generated_secret_names = ["SECRET_KEY", "DATABASE_URL", "REDIS_URL"]
  operator_secret_names  = setsubtract(local.secret_names, local.generated_secret_names)
}
