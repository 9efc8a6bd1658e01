# ---------------------------------------------------------------------------
# Identity and placement
# ---------------------------------------------------------------------------
variable "project" {
  description = "Short project name, used as a prefix for every resource name."
  type        = string
  default     = "fairtrade"
}

variable "environment" {
  description = "Deployment environment: staging or production."
  type        = string

  validation {
    condition     = contains(["staging", "production"], var.environment)
    error_message = "environment must be staging or production."
  }
}

variable "aws_region" {
  description = "Primary AWS region."
  type        = string
  default     = "us-east-1"
}

variable "backup_replica_region" {
  description = "Region that receives the AWS Backup cross-region copies (must differ from aws_region)."
  type        = string
  default     = "us-west-2"
}

variable "vpc_cidr" {
  description = "CIDR of the VPC; /16 split into public, private (app) and isolated (data) /20 subnets."
  type        = string
  default     = "10.0.0.0/16"
}

variable "availability_zone_suffixes" {
  description = "Availability zones to spread over, as suffixes of aws_region (pinned so a new AZ never reshapes the network)."
  type        = list(string)
  default     = ["a", "b", "c"]

  validation {
    condition     = length(var.availability_zone_suffixes) == 3
    error_message = "The network is laid out over exactly three availability zones."
  }
}

variable "single_nat_gateway" {
  description = "Use one NAT gateway instead of one per AZ (cheaper, for staging only)."
  type        = bool
  default     = false
}

# ---------------------------------------------------------------------------
# DNS and TLS
# ---------------------------------------------------------------------------
variable "domain_name" {
  description = "Public host name of the site served by the ALB, e.g. www.fairtradeworker.com."
  type        = string
}

variable "cdn_domain_name" {
  description = "Host name of the CloudFront distribution for static files (/static/* only; media use S3 presigned URLs), e.g. cdn.fairtradeworker.com."
  type        = string
}

variable "route53_zone_id" {
  description = "ID of the existing Route 53 hosted zone that holds domain_name and cdn_domain_name (used for ACM DNS validation and alias records)."
  type        = string
}

# ---------------------------------------------------------------------------
# Container image and services
# ---------------------------------------------------------------------------
variable "image_tag" {
  description = "Image tag the task definitions are first created with. Deploys register new revisions (deploy.yml); Terraform ignores the running revision afterwards."
  type        = string
  default     = "bootstrap"
}

variable "app_port" {
  description = "Port gunicorn listens on inside the container."
  type        = number
  default     = 8000
}

variable "web_cpu" {
  description = "CPU units of one web task (1024 = 1 vCPU)."
  type        = number
  default     = 1024
}

variable "web_memory" {
  description = "Memory (MiB) of one web task."
  type        = number
  default     = 2048
}

variable "web_concurrency" {
  description = "Gunicorn worker processes per web task (2 x vCPU + 1)."
  type        = number
  default     = 3
}

variable "web_min_count" {
  description = "Minimum number of web tasks."
  type        = number
  default     = 3
}

variable "web_max_count" {
  description = "Maximum number of web tasks."
  type        = number
  default     = 10
}

variable "web_cpu_target" {
  description = "Target average CPU utilisation (%) for web autoscaling."
  type        = number
  default     = 60
}

variable "web_requests_per_target" {
  description = "Target ALB requests per web task per minute for autoscaling."
  type        = number
  default     = 1000
}

variable "worker_cpu" {
  description = "CPU units of one Celery worker task."
  type        = number
  default     = 1024
}

variable "worker_memory" {
  description = "Memory (MiB) of one Celery worker task."
  type        = number
  default     = 2048
}

variable "worker_min_count" {
  description = "Minimum number of Celery worker tasks."
  type        = number
  default     = 2
}

variable "worker_max_count" {
  description = "Maximum number of Celery worker tasks."
  type        = number
  default     = 10
}

variable "worker_scale_out_queue_depth" {
  description = "Celery backlog (messages waiting) above which workers scale out."
  type        = number
  default     = 100
}

variable "worker_scale_in_queue_depth" {
  description = "Celery backlog below which workers scale in."
  type        = number
  default     = 10
}

variable "beat_cpu" {
  description = "CPU units of the single Celery beat task."
  type        = number
  default     = 256
}

variable "beat_memory" {
  description = "Memory (MiB) of the single Celery beat task."
  type        = number
  default     = 512
}

variable "migrate_cpu" {
  description = "CPU units of the one-off migrate task."
  type        = number
  default     = 512
}

variable "migrate_memory" {
  description = "Memory (MiB) of the one-off migrate task."
  type        = number
  default     = 1024
}

variable "celery_queues" {
  description = "Celery queue names whose length is published as the QueueDepth metric."
  type        = list(string)
  default     = ["celery"]
}

variable "log_retention_days" {
  description = "Retention of CloudWatch log groups (365 keeps a year of audit-relevant logs, as PCI DSS 10.5 asks)."
  type        = number
  default     = 365
}

variable "enable_execute_command" {
  description = "Allow `aws ecs execute-command` into running tasks (audited to CloudWatch)."
  type        = bool
  default     = false
}

# ---------------------------------------------------------------------------
# Application settings that are not secrets (secrets live in Secrets Manager)
# ---------------------------------------------------------------------------
variable "default_from_email" {
  description = "DEFAULT_FROM_EMAIL for outgoing mail."
  type        = string
  default     = "FairTradeWorker <no-reply@fairtradeworker.com>"
}

variable "twilio_account_sid" {
  description = "TWILIO_ACCOUNT_SID (an identifier, not a secret; the auth token is a secret)."
  type        = string
  default     = ""
}

variable "twilio_from_number" {
  description = "TWILIO_FROM_NUMBER in E.164 form."
  type        = string
  default     = ""
}

variable "platform_fee_bps" {
  description = "PLATFORM_FEE_BPS: platform fee in basis points (500 = 5%)."
  type        = number
  default     = 500
}

variable "auto_approve_days" {
  description = "AUTO_APPROVE_DAYS: days after which a submitted milestone is approved automatically."
  type        = number
  default     = 14
}

variable "log_level" {
  description = "LOG_LEVEL of the application."
  type        = string
  default     = "INFO"
}

variable "num_proxies" {
  description = "NUM_PROXIES: proxies of ours that append to X-Forwarded-For before the app (the ALB: 1; CloudFront serves /static/* only). Rate limits and audit entries key on the hop the last of them appended."
  type        = number
  default     = 1

  validation {
    condition     = var.num_proxies >= 0 && var.num_proxies <= 3
    error_message = "num_proxies counts our own proxies: 0 to 3."
  }
}

variable "sentry_traces_sample_rate" {
  description = "SENTRY_TRACES_SAMPLE_RATE (0.0 to 1.0)."
  type        = number
  default     = 0.05
}

variable "database_pool_max_size" {
  description = "DATABASE_POOL_MAX_SIZE: psycopg pool size per process."
  type        = number
  default     = 4
}

# ---------------------------------------------------------------------------
# Data stores
# ---------------------------------------------------------------------------
variable "db_instance_class" {
  description = "RDS instance class (db.r6g.large: 2 vCPU, 16 GiB)."
  type        = string
  default     = "db.r6g.large"
}

variable "db_engine_version" {
  description = "PostgreSQL engine version (major 15, minor upgrades automatic)."
  type        = string
  default     = "15"
}

variable "db_allocated_storage" {
  description = "Initial RDS storage in GB."
  type        = number
  default     = 100
}

variable "db_max_allocated_storage" {
  description = "Upper bound of RDS storage autoscaling in GB."
  type        = number
  default     = 500
}

variable "db_backup_retention_days" {
  description = "RDS automated backup retention in days."
  type        = number
  default     = 30
}

variable "db_read_replica_count" {
  description = "Number of read replicas (0 or 1); the dashboard and an alarm show replica lag when present."
  type        = number
  default     = 0

  validation {
    condition     = var.db_read_replica_count >= 0 && var.db_read_replica_count <= 1
    error_message = "db_read_replica_count must be 0 or 1."
  }
}

variable "db_statement_timeout_ms" {
  description = "statement_timeout for application sessions (ms). The migrate command lifts it for its own session."
  type        = number
  default     = 30000
}

variable "db_slow_query_ms" {
  description = "log_min_duration_statement: statements slower than this are logged (ms)."
  type        = number
  default     = 500
}

variable "redis_node_type" {
  description = "ElastiCache node type."
  type        = string
  default     = "cache.r7g.large"
}

variable "redis_engine_version" {
  description = "Redis engine version."
  type        = string
  default     = "7.1"
}

variable "redis_num_nodes" {
  description = "Nodes in the Redis replication group (1 primary + replicas)."
  type        = number
  default     = 3
}

variable "redis_snapshot_retention_days" {
  description = "Days of daily Redis snapshots to keep."
  type        = number
  default     = 7
}

variable "uploads_archive_after_days" {
  description = "Days after which uploaded objects move to Glacier Instant Retrieval."
  type        = number
  default     = 90
}

variable "backup_retention_days" {
  description = "Retention of AWS Backup recovery points (primary and cross-region copy)."
  type        = number
  default     = 30
}

# ---------------------------------------------------------------------------
# Operations
# ---------------------------------------------------------------------------
variable "alarm_email" {
  description = "E-mail address subscribed to the alarm SNS topic (empty: no subscription)."
  type        = string
  default     = ""
}

variable "waf_rate_limit" {
  description = "Requests per 5 minutes per client IP above which WAF blocks."
  type        = number
  default     = 2000
}

variable "github_repository" {
  description = "GitHub repository (owner/name) whose workflows may assume the deploy role through OIDC."
  type        = string
}

variable "create_github_oidc_provider" {
  description = "Create the account-wide GitHub OIDC provider (false when another stack in the account already has it)."
  type        = bool
  default     = true
}
