resource "aws_db_subnet_group" "main" {
  name       = local.name
  subnet_ids = aws_subnet.isolated[*].id
}

# Tuning. RDS evaluates {DBInstanceClassMemory} in bytes; shared_buffers and
# effective_cache_size are in 8 kB pages:
#   25% of RAM / 8192 = DBInstanceClassMemory / 32768
#   75% of RAM / 8192 = DBInstanceClassMemory / 10923
resource "aws_db_parameter_group" "postgres" {
  name        = "${local.name}-postgres15"
  family      = "postgres15"
  description = "FairTradeWorker PostgreSQL 15 tuning"

  # Memory
  parameter {
    name         = "shared_buffers"
    value        = "{DBInstanceClassMemory/32768}"
    apply_method = "pending-reboot"
  }
  parameter {
    name  = "effective_cache_size"
    value = "{DBInstanceClassMemory/10923}"
  }
  parameter {
    name  = "work_mem"
    value = "16384" # kB
  }
  parameter {
    name  = "maintenance_work_mem"
    value = "524288" # kB
  }
  parameter {
    name  = "random_page_cost"
    value = "1.1" # SSD storage
  }

  # Parallel query
  parameter {
    name         = "max_worker_processes"
    value        = "8"
    apply_method = "pending-reboot"
  }
  parameter {
    name  = "max_parallel_workers"
    value = "4"
  }
  parameter {
    name  = "max_parallel_workers_per_gather"
    value = "2"
  }
  parameter {
    name  = "max_parallel_maintenance_workers"
    value = "2"
  }

  # Autovacuum: earlier and faster than the defaults on busy tables
  parameter {
    name  = "autovacuum"
    value = "1"
  }
  parameter {
    name         = "autovacuum_max_workers"
    value        = "5"
    apply_method = "pending-reboot"
  }
  parameter {
    name  = "autovacuum_naptime"
    value = "15"
  }
  parameter {
    name  = "autovacuum_vacuum_scale_factor"
    value = "0.05"
  }
  parameter {
    name  = "autovacuum_analyze_scale_factor"
    value = "0.02"
  }
  parameter {
    name  = "autovacuum_vacuum_cost_limit"
    value = "2000"
  }

  # Timeouts: protect the pool from runaway statements and forgotten transactions
  parameter {
    name  = "statement_timeout"
    value = tostring(var.db_statement_timeout_ms)
  }
  parameter {
    name  = "idle_in_transaction_session_timeout"
    value = "60000"
  }
  parameter {
    name  = "lock_timeout"
    value = "10000"
  }

  # Slow-query and operational logging
  parameter {
    name  = "log_min_duration_statement"
    value = tostring(var.db_slow_query_ms)
  }
  parameter {
    name  = "log_statement"
    value = "ddl"
  }
  parameter {
    name  = "log_lock_waits"
    value = "1"
  }
  parameter {
    name  = "log_temp_files"
    value = "10240"
  }
  parameter {
    name  = "log_autovacuum_min_duration"
    value = "1000"
  }
  parameter {
    name  = "log_connections"
    value = "1"
  }
  parameter {
    name  = "log_disconnections"
    value = "1"
  }
  parameter {
    name         = "shared_preload_libraries"
    value        = "pg_stat_statements"
    apply_method = "pending-reboot"
  }
  parameter {
    name  = "pg_stat_statements.track"
    value = "all"
  }

  # TLS only
  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "random_password" "db_master" {
  length  = 40
  special = false
}

data "aws_iam_policy_document" "rds_monitoring_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["monitoring.rds.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "rds_monitoring" {
  name               = "${local.name}-rds-monitoring"
  assume_role_policy = data.aws_iam_policy_document.rds_monitoring_assume.json
}

resource "aws_iam_role_policy_attachment" "rds_monitoring" {
  role       = aws_iam_role.rds_monitoring.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

resource "aws_db_instance" "main" {
  identifier     = local.name
  engine         = "postgres"
  engine_version = var.db_engine_version
  instance_class = var.db_instance_class

  db_name  = "fairtrade"
  username = "fairtrade"
  password = random_password.db_master.result
  port     = 5432

  allocated_storage     = var.db_allocated_storage
  max_allocated_storage = var.db_max_allocated_storage
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = aws_kms_key.data.arn

  multi_az               = true
  db_subnet_group_name   = aws_db_subnet_group.main.name
  vpc_security_group_ids = [aws_security_group.rds.id]
  publicly_accessible    = false
  parameter_group_name   = aws_db_parameter_group.postgres.name
  ca_cert_identifier     = "rds-ca-rsa2048-g1"

  iam_database_authentication_enabled = true

  backup_retention_period   = var.db_backup_retention_days
  backup_window             = "03:00-03:30"
  maintenance_window        = "sun:04:00-sun:05:00"
  copy_tags_to_snapshot     = true
  delete_automated_backups  = false
  deletion_protection       = true
  skip_final_snapshot       = false
  final_snapshot_identifier = "${local.name}-final"

  auto_minor_version_upgrade  = true
  allow_major_version_upgrade = false
  apply_immediately           = false

  performance_insights_enabled          = true
  performance_insights_kms_key_id       = aws_kms_key.data.arn
  performance_insights_retention_period = 7

  monitoring_interval = 60
  monitoring_role_arn = aws_iam_role.rds_monitoring.arn

  enabled_cloudwatch_logs_exports = ["postgresql", "upgrade"]

  lifecycle {
    ignore_changes = [password]
  }
}

# Optional read replica (dashboards and alarms show its lag when it exists).
resource "aws_db_instance" "replica" {
  count = var.db_read_replica_count

  identifier          = "${local.name}-replica"
  replicate_source_db = aws_db_instance.main.identifier
  instance_class      = var.db_instance_class

  storage_encrypted      = true
  kms_key_id             = aws_kms_key.data.arn
  multi_az               = false # a replica; the primary is Multi-AZ
  vpc_security_group_ids = [aws_security_group.rds.id]
  publicly_accessible    = false
  parameter_group_name   = aws_db_parameter_group.postgres.name
  ca_cert_identifier     = "rds-ca-rsa2048-g1"

  iam_database_authentication_enabled = true

  backup_retention_period    = 0
  copy_tags_to_snapshot      = true
  deletion_protection        = true
  skip_final_snapshot        = true
  auto_minor_version_upgrade = true

  performance_insights_enabled          = true
  performance_insights_kms_key_id       = aws_kms_key.data.arn
  performance_insights_retention_period = 7

  monitoring_interval = 60
  monitoring_role_arn = aws_iam_role.rds_monitoring.arn

  enabled_cloudwatch_logs_exports = ["postgresql", "upgrade"]
}
