# One Secrets Manager secret per environment variable, named <project>-<env>/<NAME>.
# ECS injects them into the containers ("secrets" in deploy/ecs/*.json); they never
# appear as plain environment values.

resource "aws_secretsmanager_secret" "app" {
  # checkov:skip=CKV2_AWS_57:Values are third-party API keys (Stripe, SendGrid, Twilio, Sentry) and composite URLs that no rotation Lambda can rotate; rotation is the documented runbook in deploy/README.md.
  for_each = toset(local.secret_names)

  name                    = "${local.name}/${each.key}"
  description             = "${each.key} for ${local.name}"
  kms_key_id              = aws_kms_key.main.arn
  recovery_window_in_days = 30
}

resource "random_password" "django_secret_key" {
  length  = 64
  special = false
}

resource "aws_secretsmanager_secret_version" "secret_key" {
  secret_id     = aws_secretsmanager_secret.app["SECRET_KEY"].id
  secret_string = random_password.django_secret_key.result
}

resource "aws_secretsmanager_secret_version" "database_url" {
  secret_id     = aws_secretsmanager_secret.app["DATABASE_URL"].id
  secret_string = "postgres://${aws_db_instance.main.username}:${random_password.db_master.result}@${aws_db_instance.main.address}:${aws_db_instance.main.port}/${aws_db_instance.main.db_name}?sslmode=require"
}

resource "aws_secretsmanager_secret_version" "redis_url" {
  secret_id     = aws_secretsmanager_secret.app["REDIS_URL"].id
  secret_string = "rediss://:${random_password.redis_auth.result}@${aws_elasticache_replication_group.main.primary_endpoint_address}:6379/0?ssl_cert_reqs=required"
}

# Stripe, SendGrid, Twilio, Sentry and the Anymail webhook secret are created empty
# and filled in by an operator (`aws secretsmanager put-secret-value`), so that no
# third-party credential ever passes through Terraform code or state.
