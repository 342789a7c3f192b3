locals {
  # 20240131T235959Z-style, safe in AMI and file names.
  stamp = regex_replace(timestamp(), "[-:]", "")
  tags = merge(var.tags, {
    "Name"          = "${var.image_name}-${local.stamp}"
    "pacha:role"    = "base"
    "pacha:version" = var.pacha_version
  })
}

# An EBS-backed AMI from Debian's official image. Packer 1.6.6 knows neither imds_support nor
# metadata_options: require IMDSv2 where instances are launched (the launch template), or see
# README.md for the lines a newer Packer takes.
source "amazon-ebs" "debian" {
  region        = var.aws_region
  instance_type = var.aws_instance_type
  subnet_id     = var.aws_subnet_id
  ssh_username  = var.aws_ssh_username
  ssh_timeout   = "10m"
  ami_name      = "${var.image_name}-${local.stamp}"
  encrypt_boot  = var.aws_encrypt_boot

  source_ami_filter {
    filters = {
      name                = var.aws_source_ami_name
      architecture        = "x86_64"
      virtualization-type = "hvm"
      root-device-type    = "ebs"
    }
    owners      = var.aws_source_ami_owners
    most_recent = true
  }

  temporary_security_group_source_cidrs = var.aws_ssh_cidrs

  tags          = local.tags
  snapshot_tags = local.tags
  run_tags      = local.tags
}

# A disk image for local and on-prem hypervisors (the seed's "Base Server Images" for Xen-like
# environments), from Debian's generic cloud image; the NoCloud seed lets the build log in.
source "qemu" "debian" {
  iso_url      = var.qemu_source_image
  iso_checksum = var.qemu_source_checksum
  disk_image   = true
  disk_size    = var.qemu_disk_size
  format       = var.qemu_format
  accelerator  = var.qemu_accelerator
  headless     = true
  memory       = 1024
  cpus         = 2

  cd_files = var.qemu_seed_dir == "" ? [] : ["${var.qemu_seed_dir}/user-data", "${var.qemu_seed_dir}/meta-data"]
  cd_label = "cidata"

  ssh_username              = var.qemu_ssh_username
  ssh_private_key_file      = var.qemu_ssh_private_key_file
  ssh_clear_authorized_keys = true
  ssh_timeout               = "10m"
  shutdown_command          = "sudo shutdown -P now"

  output_directory = var.qemu_output_directory
  vm_name          = "${var.image_name}-${local.stamp}.${var.qemu_format}"
}
