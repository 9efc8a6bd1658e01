# One customer-managed key per purpose keeps grants narrow and lets a key be
# disabled without taking everything else down.

data "aws_iam_policy_document" "kms_main" {
  # checkov:skip=CKV_AWS_109:Key policies are attached to one key; "*" in a key policy means "this key".
  # checkov:skip=CKV_AWS_111:Key policies are attached to one key; "*" in a key policy means "this key".
  # checkov:skip=CKV_AWS_356:Key policies are attached to one key; "*" in a key policy means "this key".
  statement {
    sid       = "AccountAdministration"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid = "CloudWatchLogs"
    actions = [
      "kms:Encrypt*",
      "kms:Decrypt*",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:Describe*",
    ]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${var.aws_region}.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${var.aws_region}:${local.account_id}:log-group:*"]
    }
  }

  statement {
    sid       = "AlarmsToEncryptedSns"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com", "events.amazonaws.com", "backup.amazonaws.com"]
    }
  }
}

resource "aws_kms_key" "main" {
  description             = "${local.name}: logs, secrets, SNS, ECR, ElastiCache, SSM"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms_main.json
}

resource "aws_kms_alias" "main" {
  name          = "alias/${local.name}-main"
  target_key_id = aws_kms_key.main.key_id
}

data "aws_iam_policy_document" "kms_data" {
  # checkov:skip=CKV_AWS_109:Key policies are attached to one key; "*" in a key policy means "this key".
  # checkov:skip=CKV_AWS_111:Key policies are attached to one key; "*" in a key policy means "this key".
  # checkov:skip=CKV_AWS_356:Key policies are attached to one key; "*" in a key policy means "this key".
  statement {
    sid       = "AccountAdministration"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }
}

resource "aws_kms_key" "data" {
  description             = "${local.name}: RDS storage, Performance Insights, S3 uploads, AWS Backup"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms_data.json
}

resource "aws_kms_alias" "data" {
  name          = "alias/${local.name}-data"
  target_key_id = aws_kms_key.data.key_id
}

# Key for the backup vault in the replica region (a KMS key cannot leave its region).
resource "aws_kms_key" "backup_replica" {
  provider = aws.backup_replica

  description             = "${local.name}: AWS Backup cross-region copies"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms_data.json
}

# Key for the WAF log group of the CloudFront web ACL, which lives in us-east-1.
data "aws_iam_policy_document" "kms_edge" {
  # checkov:skip=CKV_AWS_109:Key policies are attached to one key; "*" in a key policy means "this key".
  # checkov:skip=CKV_AWS_111:Key policies are attached to one key; "*" in a key policy means "this key".
  # checkov:skip=CKV_AWS_356:Key policies are attached to one key; "*" in a key policy means "this key".
  statement {
    sid       = "AccountAdministration"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchLogs"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.us-east-1.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:us-east-1:${local.account_id}:log-group:*"]
    }
  }
}

resource "aws_kms_key" "edge" {
  provider = aws.us_east_1

  description             = "${local.name}: CloudFront WAF logs (us-east-1)"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms_edge.json
}
