# The instance's identity: a role that may read the host's own secrets and, on an s3:// master,
# the host's own prefix. A compromised host reaches nothing of another host.

data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

locals {
  # `pacha cloud-init render --secrets ssm:/pacha/<host>`: the runner reads <prefix>/identity.
  ssm_prefix = "/pacha/${var.host}"
  ssm_arn    = "arn:${data.aws_partition.current.partition}:ssm:${var.region}:${data.aws_caller_identity.current.account_id}:parameter${local.ssm_prefix}/*"
  # The AWS-managed aws/ssm key has no fixed id; kms:ViaService keeps the grant to SSM's use.
  kms_key = var.kms_key_arn != "" ? var.kms_key_arn : "arn:${data.aws_partition.current.partition}:kms:${var.region}:${data.aws_caller_identity.current.account_id}:key/*"
  # s3://BUCKET/PREFIX keeps the host under PREFIX/<host>/.
  s3_host_prefix = join("/", compact([var.s3_prefix, var.host]))
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "host" {
  name_prefix        = substr("pacha-${var.host}-", 0, 38) # IAM allows 38 characters here
  description        = "pacha host ${var.host}: its SSM parameters and its part of the master store"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

resource "aws_iam_instance_profile" "host" {
  name_prefix = substr("pacha-${var.host}-", 0, 38)
  role        = aws_iam_role.host.name
  tags        = var.tags
}

data "aws_iam_policy_document" "secrets" {
  statement {
    sid       = "ReadTheHostsParameters"
    actions   = ["ssm:GetParameter", "ssm:GetParameters"]
    resources = [local.ssm_arn]
  }

  statement {
    sid       = "DecryptThemThroughSsm"
    actions   = ["kms:Decrypt"]
    resources = [local.kms_key]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["ssm.${var.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "secrets" {
  name   = "pacha-secrets"
  role   = aws_iam_role.host.id
  policy = data.aws_iam_policy_document.secrets.json
}

data "aws_iam_policy_document" "s3" {
  count = var.s3_bucket == "" ? 0 : 1

  statement {
    sid       = "ListTheHostsPrefix"
    actions   = ["s3:ListBucket"]
    resources = ["arn:${data.aws_partition.current.partition}:s3:::${var.s3_bucket}"]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${local.s3_host_prefix}/", "${local.s3_host_prefix}/*"]
    }
  }

  # Append-only (README, Append-only masters): a host adds to its history but never deletes;
  # with versioning on the bucket an overwritten object keeps its earlier versions.
  statement {
    sid       = "AddToTheHostsObjects"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"]
    resources = ["arn:${data.aws_partition.current.partition}:s3:::${var.s3_bucket}/${local.s3_host_prefix}/*"]
  }

  # Hooks run as root at a rebuild: they are the operator's to write.
  statement {
    sid     = "HooksAreTheOperators"
    effect  = "Deny"
    actions = ["s3:PutObject"]
    resources = [
      "arn:${data.aws_partition.current.partition}:s3:::${var.s3_bucket}/${local.s3_host_prefix}/pacha_pre/*",
      "arn:${data.aws_partition.current.partition}:s3:::${var.s3_bucket}/${local.s3_host_prefix}/pacha_post/*",
      "arn:${data.aws_partition.current.partition}:s3:::${var.s3_bucket}/${local.s3_host_prefix}/pre_pacha/*",
      "arn:${data.aws_partition.current.partition}:s3:::${var.s3_bucket}/${local.s3_host_prefix}/post_pacha/*",
      "arn:${data.aws_partition.current.partition}:s3:::${var.s3_bucket}/${local.s3_host_prefix}/hooks.json*",
    ]
  }
}

resource "aws_iam_role_policy" "s3" {
  count  = var.s3_bucket == "" ? 0 : 1
  name   = "pacha-master-store"
  role   = aws_iam_role.host.id
  policy = data.aws_iam_policy_document.s3[0].json
}
