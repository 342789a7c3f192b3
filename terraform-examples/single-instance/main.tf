# One instance from the baked image that rebuilds the host at first boot. Nothing replaces it
# when it dies: run terraform apply again (or use ../aws-replacement-host, which does).

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

resource "aws_instance" "host" {
  ami                    = var.image_id != "" ? var.image_id : data.aws_ami.pacha_base.id
  instance_type          = var.instance_type
  subnet_id              = var.subnet_id != "" ? var.subnet_id : null
  vpc_security_group_ids = length(var.security_group_ids) > 0 ? var.security_group_ids : null
  key_name               = var.key_name != "" ? var.key_name : null
  iam_instance_profile   = module.role.instance_profile_name

  # aws_instance's user_data would be base64-encoded by the provider (and must be UTF-8 text);
  # user_data_base64 takes it encoded, so plain and gzip files both go through filebase64(), once.
  user_data_base64            = filebase64(var.user_data_file)
  user_data_replace_on_change = true

  # IMDSv2 only: the user-data (and the role's credentials) are not served to a bare GET.
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  tags        = local.tags
  volume_tags = local.tags

  lifecycle {
    precondition {
      condition     = length(filebase64(var.user_data_file)) <= 21848
      error_message = "The user-data is over EC2's limit of 16,384 bytes: render it again with pacha cloud-init render (it gzips when needed)."
    }
  }
}
