resource "aws_sns_topic" "alarms" {
  name              = "${local.name}-alarms"
  kms_master_key_id = aws_kms_key.main.arn
}

resource "aws_sns_topic_subscription" "alarm_email" {
  count = var.alarm_email == "" ? 0 : 1

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

locals {
  alb_dim     = { LoadBalancer = aws_lb.main.arn_suffix }
  tg_dim      = { LoadBalancer = aws_lb.main.arn_suffix, TargetGroup = aws_lb_target_group.web.arn_suffix }
  rds_dim     = { DBInstanceIdentifier = aws_db_instance.main.identifier }
  alarm_topic = [aws_sns_topic.alarms.arn]

  # ElastiCache names the members <replication group id>-001, -002, ... (known at plan time).
  redis_member_clusters = [for i in range(var.redis_num_nodes) : format("%s-%03d", local.name, i + 1)]

  replica_lag_metrics = [
    for r in aws_db_instance.replica : ["AWS/RDS", "ReplicaLag", "DBInstanceIdentifier", r.identifier]
  ]
}

resource "aws_cloudwatch_dashboard" "main" {
  dashboard_name = local.name

  dashboard_body = jsonencode({
    widgets = [
      {
        type = "metric", x = 0, y = 0, width = 12, height = 6
        properties = {
          title  = "ALB latency p50 / p99 (s)"
          region = var.aws_region
          view   = "timeSeries"
          period = 60
          metrics = [
            ["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", aws_lb.main.arn_suffix, { stat = "p50", label = "p50" }],
            ["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", aws_lb.main.arn_suffix, { stat = "p99", label = "p99" }],
          ]
        }
      },
      {
        type = "metric", x = 12, y = 0, width = 12, height = 6
        properties = {
          title  = "Requests and 5xx"
          region = var.aws_region
          view   = "timeSeries"
          period = 60
          stat   = "Sum"
          metrics = [
            ["AWS/ApplicationELB", "RequestCount", "LoadBalancer", aws_lb.main.arn_suffix, { label = "requests" }],
            ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "LoadBalancer", aws_lb.main.arn_suffix, { label = "target 5xx", yAxis = "right" }],
            ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "LoadBalancer", aws_lb.main.arn_suffix, { label = "ALB 5xx", yAxis = "right" }],
          ]
        }
      },
      {
        type = "metric", x = 0, y = 6, width = 12, height = 6
        properties = {
          title  = "ECS CPU utilisation (%)"
          region = var.aws_region
          view   = "timeSeries"
          period = 60
          stat   = "Average"
          metrics = [
            for s in ["web", "worker", "beat"] : ["AWS/ECS", "CPUUtilization", "ClusterName", aws_ecs_cluster.main.name, "ServiceName", s]
          ]
        }
      },
      {
        type = "metric", x = 12, y = 6, width = 12, height = 6
        properties = {
          title  = "ECS memory utilisation (%)"
          region = var.aws_region
          view   = "timeSeries"
          period = 60
          stat   = "Average"
          metrics = [
            for s in ["web", "worker", "beat"] : ["AWS/ECS", "MemoryUtilization", "ClusterName", aws_ecs_cluster.main.name, "ServiceName", s]
          ]
        }
      },
      {
        type = "metric", x = 0, y = 12, width = 8, height = 6
        properties = {
          title   = "RDS CPU (%)"
          region  = var.aws_region
          view    = "timeSeries"
          period  = 60
          stat    = "Average"
          metrics = [["AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", aws_db_instance.main.identifier]]
        }
      },
      {
        type = "metric", x = 8, y = 12, width = 8, height = 6
        properties = {
          title   = "RDS connections"
          region  = var.aws_region
          view    = "timeSeries"
          period  = 60
          stat    = "Maximum"
          metrics = [["AWS/RDS", "DatabaseConnections", "DBInstanceIdentifier", aws_db_instance.main.identifier]]
        }
      },
      {
        type = "metric", x = 16, y = 12, width = 8, height = 6
        properties = {
          title  = "RDS replica lag (s) and free storage"
          region = var.aws_region
          view   = "timeSeries"
          period = 60
          stat   = "Maximum"
          metrics = concat(
            local.replica_lag_metrics,
            [["AWS/RDS", "FreeStorageSpace", "DBInstanceIdentifier", aws_db_instance.main.identifier, { yAxis = "right", stat = "Minimum" }]],
          )
        }
      },
      {
        type = "metric", x = 0, y = 18, width = 12, height = 6
        properties = {
          title  = "Redis memory used (%)"
          region = var.aws_region
          view   = "timeSeries"
          period = 60
          stat   = "Maximum"
          metrics = [
            for c in local.redis_member_clusters : ["AWS/ElastiCache", "DatabaseMemoryUsagePercentage", "CacheClusterId", c]
          ]
        }
      },
      {
        type = "metric", x = 12, y = 18, width = 12, height = 6
        properties = {
          title   = "Celery queue depth"
          region  = var.aws_region
          view    = "timeSeries"
          period  = 60
          stat    = "Maximum"
          metrics = [[local.metrics_namespace, "QueueDepth", "Environment", var.environment]]
        }
      },
    ]
  })
}

# --- Alarms -------------------------------------------------------------------

resource "aws_cloudwatch_metric_alarm" "alb_p99_latency" {
  alarm_name          = "${local.name}-alb-p99-latency"
  alarm_description   = "p99 target response time above 500 ms for 5 minutes"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "TargetResponseTime"
  dimensions          = local.alb_dim
  extended_statistic  = "p99"
  period              = 60
  evaluation_periods  = 5
  datapoints_to_alarm = 5
  threshold           = 0.5
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_topic
  ok_actions          = local.alarm_topic
}

resource "aws_cloudwatch_metric_alarm" "alb_5xx_rate" {
  alarm_name          = "${local.name}-alb-5xx-rate"
  alarm_description   = "More than 0.5% of requests answered 5xx over 5 minutes"
  evaluation_periods  = 5
  datapoints_to_alarm = 5
  threshold           = 0.5
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_topic
  ok_actions          = local.alarm_topic

  metric_query {
    id          = "rate"
    expression  = "100 * (FILL(t5xx, 0) + FILL(e5xx, 0)) / MAX([req, 1])"
    label       = "5xx rate (%)"
    return_data = true
  }

  metric_query {
    id = "t5xx"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_Target_5XX_Count"
      dimensions  = local.alb_dim
      period      = 60
      stat        = "Sum"
    }
  }

  metric_query {
    id = "e5xx"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_ELB_5XX_Count"
      dimensions  = local.alb_dim
      period      = 60
      stat        = "Sum"
    }
  }

  metric_query {
    id = "req"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "RequestCount"
      dimensions  = local.alb_dim
      period      = 60
      stat        = "Sum"
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "unhealthy_hosts" {
  alarm_name          = "${local.name}-unhealthy-hosts"
  alarm_description   = "At least one web task fails the /readyz health check"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "UnHealthyHostCount"
  dimensions          = local.tg_dim
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 3
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_topic
  ok_actions          = local.alarm_topic
}

resource "aws_cloudwatch_metric_alarm" "rds_free_storage" {
  alarm_name          = "${local.name}-rds-free-storage"
  alarm_description   = "Less than 10% of the storage ceiling left on RDS"
  namespace           = "AWS/RDS"
  metric_name         = "FreeStorageSpace"
  dimensions          = local.rds_dim
  statistic           = "Minimum"
  period              = 300
  evaluation_periods  = 2
  threshold           = var.db_max_allocated_storage * 0.1 * 1024 * 1024 * 1024
  comparison_operator = "LessThanThreshold"
  alarm_actions       = local.alarm_topic
  ok_actions          = local.alarm_topic
}

resource "aws_cloudwatch_metric_alarm" "rds_cpu" {
  alarm_name          = "${local.name}-rds-cpu"
  alarm_description   = "RDS CPU above 80% for 10 minutes"
  namespace           = "AWS/RDS"
  metric_name         = "CPUUtilization"
  dimensions          = local.rds_dim
  statistic           = "Average"
  period              = 60
  evaluation_periods  = 10
  threshold           = 80
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = local.alarm_topic
  ok_actions          = local.alarm_topic
}

resource "aws_cloudwatch_metric_alarm" "rds_replica_lag" {
  count = var.db_read_replica_count

  alarm_name          = "${local.name}-rds-replica-lag"
  alarm_description   = "Read replica more than 60 s behind"
  namespace           = "AWS/RDS"
  metric_name         = "ReplicaLag"
  dimensions          = { DBInstanceIdentifier = aws_db_instance.replica[0].identifier }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  threshold           = 60
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = local.alarm_topic
  ok_actions          = local.alarm_topic
}

resource "aws_cloudwatch_metric_alarm" "ecs_cpu" {
  for_each = toset(["web", "worker"])

  alarm_name          = "${local.name}-${each.key}-cpu"
  alarm_description   = "${each.key} tasks above 85% CPU for 10 minutes (autoscaling at its ceiling?)"
  namespace           = "AWS/ECS"
  metric_name         = "CPUUtilization"
  dimensions          = { ClusterName = aws_ecs_cluster.main.name, ServiceName = each.key }
  statistic           = "Average"
  period              = 60
  evaluation_periods  = 10
  threshold           = 85
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = local.alarm_topic
  ok_actions          = local.alarm_topic
}

resource "aws_cloudwatch_metric_alarm" "redis_memory" {
  for_each = toset(local.redis_member_clusters)

  alarm_name          = "${local.name}-redis-memory-${each.key}"
  alarm_description   = "Redis memory above 80% (noeviction: writes fail when full)"
  namespace           = "AWS/ElastiCache"
  metric_name         = "DatabaseMemoryUsagePercentage"
  dimensions          = { CacheClusterId = each.key }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 2
  threshold           = 80
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = local.alarm_topic
  ok_actions          = local.alarm_topic
}

resource "aws_cloudwatch_metric_alarm" "celery_backlog" {
  alarm_name          = "${local.name}-celery-backlog"
  alarm_description   = "More than 1000 Celery messages waiting for 15 minutes"
  namespace           = local.metrics_namespace
  metric_name         = "QueueDepth"
  dimensions          = { Environment = var.environment }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 15
  threshold           = 1000
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "breaching" # no data means the metrics sidecar is down
  alarm_actions       = local.alarm_topic
  ok_actions          = local.alarm_topic
}
