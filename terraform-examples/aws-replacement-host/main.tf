# An autoscaling group of one: when the host dies (or fails its EC2 health check), the group
# launches a replacement from the launch template, and the replacement's first boot rebuilds the
# host from the master with the user-data rendered by `pacha cloud-init render`.

locals {
  tags = merge(var.tags, {
    "Name"       = var.host
    "pacha:host" = var.host
  })
}

# The newest image `pacha image bake` made in this account (packer/ tags it pacha:role = base).
data "aws_ami" "pacha_base" {
  most_recent = true
  owners      = ["self"]

  filter {
    name   = "tag:pacha:role"
    values = ["base"]
  }
}

module "role" {
  source      = "../modules/pacha-host-role"
  host        = var.host
  region      = var.region
  kms_key_arn = var.kms_key_arn
  s3_bucket   = var.s3_bucket
  s3_prefix   = var.s3_prefix
  tags        = local.tags
}

resource "aws_launch_template" "host" {
  name_prefix            = "pacha-${var.host}-"
  description            = "pacha host ${var.host}: rebuilds itself from the master at first boot"
  image_id               = var.image_id != "" ? var.image_id : data.aws_ami.pacha_base.id
  instance_type          = var.instance_type
  key_name               = var.key_name != "" ? var.key_name : null
  vpc_security_group_ids = var.security_group_ids
  update_default_version = true

  # The launch template takes base64; the rendered file is not encoded (plain YAML, or gzip when
  # it is over 16,384 bytes), so it is encoded here, once. file() would refuse a gzip file.
  user_data = filebase64(var.user_data_file)

  iam_instance_profile {
    arn = module.role.instance_profile_arn
  }

  # IMDSv2 only: the user-data (and the role's credentials) are not served to a bare GET, such
  # as one forged through a proxy or an SSRF on the host.
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  tag_specifications {
    resource_type = "instance"
    tags          = local.tags
  }

  tag_specifications {
    resource_type = "volume"
    tags          = local.tags
  }

  tags = local.tags

  lifecycle {
    precondition {
      condition     = length(filebase64(var.user_data_file)) <= 21848
      error_message = "The user-data is over EC2's limit of 16,384 bytes: render it again with pacha cloud-init render (it gzips when needed)."
    }
  }
}

resource "aws_autoscaling_group" "host" {
  name_prefix         = "pacha-${var.host}-"
  min_size            = 1
  max_size            = 1
  desired_capacity    = 1
  vpc_zone_identifier = var.subnet_ids

  health_check_type         = "EC2"
  health_check_grace_period = var.health_check_grace_period

  # A new image or user-data makes a new template version; instances launched from then on use
  # it. The running host is left alone (it is not replaced to pick it up).
  launch_template {
    id      = aws_launch_template.host.id
    version = aws_launch_template.host.latest_version
  }

  dynamic "tag" {
    for_each = local.tags
    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = false
    }
  }
}
