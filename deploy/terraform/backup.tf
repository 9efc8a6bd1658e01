# Daily 02:00 UTC backups of the database and the uploads bucket, kept 30 days,
# copied to a vault in var.backup_replica_region (survives the loss of a region).

resource "aws_backup_vault" "main" {
  name        = local.name
  kms_key_arn = aws_kms_key.data.arn
}

resource "aws_backup_vault" "replica" {
  provider = aws.backup_replica

  name        = "${local.name}-replica"
  kms_key_arn = aws_kms_key.backup_replica.arn
}

resource "aws_backup_plan" "main" {
  name = local.name

  rule {
    rule_name         = "daily-0200-utc"
    target_vault_name = aws_backup_vault.main.name
    schedule          = "cron(0 2 * * ? *)"
    start_window      = 60
    completion_window = 360

    lifecycle {
      delete_after = var.backup_retention_days
    }

    copy_action {
      destination_vault_arn = aws_backup_vault.replica.arn

      lifecycle {
        delete_after = var.backup_retention_days
      }
    }
  }
}

data "aws_iam_policy_document" "backup_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["backup.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "backup" {
  name               = "${local.name}-backup"
  assume_role_policy = data.aws_iam_policy_document.backup_assume.json
}

resource "aws_iam_role_policy_attachment" "backup" {
  for_each = toset([
    "arn:${local.partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
    "arn:${local.partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    "arn:${local.partition}:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
    "arn:${local.partition}:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
  ])

  role       = aws_iam_role.backup.name
  policy_arn = each.value
}

resource "aws_backup_selection" "main" {
  name         = "${local.name}-data"
  plan_id      = aws_backup_plan.main.id
  iam_role_arn = aws_iam_role.backup.arn

  resources = [
    aws_db_instance.main.arn,
    aws_s3_bucket.uploads.arn,
  ]
}
