# Everything the deploy pipeline needs to render deploy/ecs/*.json and run the
# migrate task, except the image and release, which the pipeline supplies.
resource "aws_ssm_parameter" "deploy_config" {
  name        = "/${var.project}/${var.environment}/deploy-config"
  description = "Template values and targets for .github/workflows/deploy.yml"
  type        = "SecureString"
  key_id      = aws_kms_key.main.arn

  value = jsonencode({
    cluster            = aws_ecs_cluster.main.name
    ecr_repository_url = aws_ecr_repository.app.repository_url
    services           = ["web", "worker", "beat"]
    template_vars      = local.ecs_template_vars
    migrate_network = {
      subnets        = aws_subnet.private[*].id
      security_group = aws_security_group.worker.id
    }
  })
}
