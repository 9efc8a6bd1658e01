resource "aws_ecs_cluster" "main" {
  name = local.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }

  configuration {
    execute_command_configuration {
      kms_key_id = aws_kms_key.main.arn
      logging    = "OVERRIDE"

      log_configuration {
        cloud_watch_encryption_enabled = true
        cloud_watch_log_group_name     = aws_cloudwatch_log_group.ecs_exec.name
      }
    }
  }
}

resource "aws_ecs_cluster_capacity_providers" "main" {
  cluster_name       = aws_ecs_cluster.main.name
  capacity_providers = ["FARGATE"]

  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
    weight            = 1
  }
}

locals {
  services = ["web", "worker", "beat", "migrate"]
}

resource "aws_cloudwatch_log_group" "app" {
  for_each = toset(local.services)

  name              = "/${var.project}/${var.environment}/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.main.arn
}

resource "aws_cloudwatch_log_group" "ecs_exec" {
  name              = "/${var.project}/${var.environment}/ecs-exec"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.main.arn
}

# ---------------------------------------------------------------------------
# Task definitions: rendered from the same JSON templates the deploy pipeline
# renders (deploy/ecs/*.json, placeholders ${name}). Terraform creates the first
# revision; deploy.yml registers later ones with a new image and the same values,
# which it reads from the SSM parameter below.
# ---------------------------------------------------------------------------
locals {
  ecs_template_vars = {
    family_prefix             = local.name
    aws_region                = var.aws_region
    log_group_prefix          = "/${var.project}/${var.environment}"
    execution_role_arn        = aws_iam_role.execution.arn
    task_role_arn             = aws_iam_role.task.arn
    secrets_prefix            = local.name
    app_port                  = tostring(var.app_port)
    allowed_hosts             = var.domain_name
    csrf_trusted_origins      = local.site_url
    site_url                  = local.site_url
    sentry_environment        = var.environment
    sentry_traces_sample_rate = tostring(var.sentry_traces_sample_rate)
    storage_bucket_name       = aws_s3_bucket.uploads.id
    default_from_email        = var.default_from_email
    platform_fee_bps          = tostring(var.platform_fee_bps)
    auto_approve_days         = tostring(var.auto_approve_days)
    twilio_account_sid        = var.twilio_account_sid
    twilio_from_number        = var.twilio_from_number
    log_level                 = var.log_level
    num_proxies               = tostring(var.num_proxies)
    database_pool_max_size    = tostring(var.database_pool_max_size)
    web_concurrency           = tostring(var.web_concurrency)
    celery_queues             = join(",", var.celery_queues)
    metrics_namespace         = local.metrics_namespace
    web_cpu                   = tostring(var.web_cpu)
    web_memory                = tostring(var.web_memory)
    worker_cpu                = tostring(var.worker_cpu)
    worker_memory             = tostring(var.worker_memory)
    beat_cpu                  = tostring(var.beat_cpu)
    beat_memory               = tostring(var.beat_memory)
    migrate_cpu               = tostring(var.migrate_cpu)
    migrate_memory            = tostring(var.migrate_memory)
  }

  bootstrap_image = "${aws_ecr_repository.app.repository_url}:${var.image_tag}"

  task_definitions = {
    for svc in local.services : svc => jsondecode(templatefile(
      "${path.module}/../ecs/${svc}.json",
      merge(local.ecs_template_vars, { image = local.bootstrap_image, release = var.image_tag })
    ))
  }
}

resource "aws_ecs_task_definition" "app" {
  for_each = local.task_definitions

  family                   = each.value.family
  cpu                      = each.value.cpu
  memory                   = each.value.memory
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn
  container_definitions    = jsonencode(each.value.containerDefinitions)

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  dynamic "volume" {
    for_each = each.value.volumes

    content {
      name = volume.value.name
    }
  }
}

# ---------------------------------------------------------------------------
# Services. The running revision and (for autoscaled services) the task count
# belong to the deploy pipeline and the autoscaler, so Terraform ignores them.
# ---------------------------------------------------------------------------
resource "aws_ecs_service" "web" {
  name                              = "web"
  cluster                           = aws_ecs_cluster.main.id
  task_definition                   = aws_ecs_task_definition.app["web"].arn
  desired_count                     = var.web_min_count
  launch_type                       = "FARGATE"
  platform_version                  = "LATEST"
  propagate_tags                    = "SERVICE"
  enable_ecs_managed_tags           = true
  enable_execute_command            = var.enable_execute_command
  health_check_grace_period_seconds = 60

  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = aws_subnet.private[*].id
    security_groups  = [aws_security_group.web.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.web.arn
    container_name   = "web"
    container_port   = var.app_port
  }

  lifecycle {
    ignore_changes = [task_definition, desired_count]
  }

  depends_on = [aws_lb_listener.https]
}

resource "aws_ecs_service" "worker" {
  name                    = "worker"
  cluster                 = aws_ecs_cluster.main.id
  task_definition         = aws_ecs_task_definition.app["worker"].arn
  desired_count           = var.worker_min_count
  launch_type             = "FARGATE"
  platform_version        = "LATEST"
  propagate_tags          = "SERVICE"
  enable_ecs_managed_tags = true
  enable_execute_command  = var.enable_execute_command

  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = aws_subnet.private[*].id
    security_groups  = [aws_security_group.worker.id]
    assign_public_ip = false
  }

  lifecycle {
    ignore_changes = [task_definition, desired_count]
  }
}

# Exactly one scheduler: never two beats at once (duplicate periodic tasks), so a
# deploy stops the old task before it starts the new one.
resource "aws_ecs_service" "beat" {
  name                    = "beat"
  cluster                 = aws_ecs_cluster.main.id
  task_definition         = aws_ecs_task_definition.app["beat"].arn
  desired_count           = 1
  launch_type             = "FARGATE"
  platform_version        = "LATEST"
  propagate_tags          = "SERVICE"
  enable_ecs_managed_tags = true
  enable_execute_command  = var.enable_execute_command

  deployment_minimum_healthy_percent = 0
  deployment_maximum_percent         = 100

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = aws_subnet.private[*].id
    security_groups  = [aws_security_group.worker.id]
    assign_public_ip = false
  }

  lifecycle {
    ignore_changes = [task_definition]
  }
}
