output "site_url" {
  description = "Public URL of the site (SITE_URL)."
  value       = local.site_url
}

output "static_cdn_domain" {
  description = "CloudFront host name for static files only (/static/*); media are never served through it (private bucket, presigned URLs)."
  value       = var.cdn_domain_name
}

output "cloudfront_distribution_id" {
  description = "CloudFront distribution ID (for invalidations)."
  value       = aws_cloudfront_distribution.cdn.id
}

output "alb_dns_name" {
  description = "DNS name of the load balancer."
  value       = aws_lb.main.dns_name
}

output "ecr_repository_url" {
  description = "ECR repository the pipeline pushes images to."
  value       = aws_ecr_repository.app.repository_url
}

output "ecs_cluster_name" {
  description = "ECS cluster name."
  value       = aws_ecs_cluster.main.name
}

output "ecs_services" {
  description = "ECS service names."
  value       = [aws_ecs_service.web.name, aws_ecs_service.worker.name, aws_ecs_service.beat.name]
}

output "migrate_task_family" {
  description = "Task definition family of the one-off migrate task."
  value       = aws_ecs_task_definition.app["migrate"].family
}

output "rds_endpoint" {
  description = "PostgreSQL endpoint (host:port)."
  value       = aws_db_instance.main.endpoint
}

output "rds_replica_endpoint" {
  description = "Read replica endpoint, if any."
  value       = try(aws_db_instance.replica[0].endpoint, null)
}

output "redis_primary_endpoint" {
  description = "Redis primary endpoint (TLS, port 6379)."
  value       = aws_elasticache_replication_group.main.primary_endpoint_address
}

output "uploads_bucket" {
  description = "Uploads bucket (AWS_STORAGE_BUCKET_NAME)."
  value       = aws_s3_bucket.uploads.id
}

output "secret_arns" {
  description = "Secrets Manager ARNs by environment variable name."
  value       = { for k, s in aws_secretsmanager_secret.app : k => s.arn }
}

output "operator_secrets" {
  description = "Secrets an operator must fill in before the first deploy."
  value       = sort(tolist(local.operator_secret_names))
}

output "deploy_config_parameter" {
  description = "SSM parameter the deploy workflow reads."
  value       = aws_ssm_parameter.deploy_config.name
}

output "github_deploy_role_arn" {
  description = "Role for the GitHub environment variable AWS_DEPLOY_ROLE_ARN."
  value       = aws_iam_role.github_deploy.arn
}

output "alarm_topic_arn" {
  description = "SNS topic receiving CloudWatch alarms."
  value       = aws_sns_topic.alarms.arn
}

output "dashboard_url" {
  description = "CloudWatch dashboard."
  value       = "https://${var.aws_region}.console.aws.amazon.com/cloudwatch/home?region=${var.aws_region}#dashboards:name=${aws_cloudwatch_dashboard.main.dashboard_name}"
}

output "backup_vault" {
  description = "AWS Backup vault (primary region)."
  value       = aws_backup_vault.main.name
}
