# Inputs of the pacha base image. `pacha image bake` sets pacha_deb (the .deb built with it, or
# --deb FILE) and pacha_version itself; everything else has a default or is off by default.

variable "pacha_deb" {
  type        = string
  description = "Path of the pacha Debian package to install (mvn package builds target/pacha.deb)."

  validation {
    condition     = fileexists(var.pacha_deb)
    error_message = "The pacha_deb value must name an existing file: the pacha .deb (mvn package builds target/pacha.deb)."
  }
}

variable "pacha_version" {
  type        = string
  default     = "unknown"
  description = "pacha's version, for the pacha:version tag (pacha image bake sets it)."
}

variable "image_name" {
  type        = string
  default     = "pacha-base"
  description = "Prefix of the image name; a UTC timestamp is appended."
}

variable "tags" {
  type        = map(string)
  default     = {}
  description = "Extra tags for the image, its snapshots and the build instance; pacha:role = base is always set."
}

variable "java_package" {
  type        = string
  default     = ""
  description = "Debian package of the Java 17+ runtime; empty: openjdk-17-jre-headless, else default-jre-headless."
}

# Preloading (the original Pacha's model: the image already holds the key and the config).
# Off by default: the safer place for them is first-boot user-data, which keeps secrets out of
# the image. Each file must have a different base name.

variable "preload_host" {
  type        = string
  default     = ""
  description = "Host the image rebuilds at first boot (pacha.hostname); empty: user-data says."

  validation {
    condition     = regex_replace(var.preload_host, "[A-Za-z0-9._-]", "") == ""
    error_message = "The preload_host value must be a host name (letters, digits, dot, dash, underscore)."
  }
}

variable "preload_config_file" {
  type        = string
  default     = ""
  description = "A pacha config to install as /etc/pacha/pacha.conf; empty: none."

  # Checked here: validate does not check the files of a multi-file upload.
  validation {
    condition     = var.preload_config_file == "" ? true : fileexists(var.preload_config_file)
    error_message = "The preload_config_file value must be empty or name an existing file."
  }
}

variable "preload_ssh_key_file" {
  type        = string
  default     = ""
  description = "Private key for the master, installed for root (id_ed25519 or id_rsa); empty: none."

  # Checked here: validate does not check the files of a multi-file upload.
  validation {
    condition     = var.preload_ssh_key_file == "" ? true : fileexists(var.preload_ssh_key_file)
    error_message = "The preload_ssh_key_file value must be empty or name an existing file."
  }
}

variable "preload_known_hosts_file" {
  type        = string
  default     = ""
  description = "The master's pinned host keys, added to root's known_hosts; empty: none."

  # Checked here: validate does not check the files of a multi-file upload.
  validation {
    condition     = var.preload_known_hosts_file == "" ? true : fileexists(var.preload_known_hosts_file)
    error_message = "The preload_known_hosts_file value must be empty or name an existing file."
  }
}

# amazon-ebs

variable "aws_region" {
  type    = string
  default = "us-east-1"
}

variable "aws_instance_type" {
  type    = string
  default = "t3.micro"
}

variable "aws_source_ami_name" {
  type        = string
  default     = "debian-12-amd64-*"
  description = "Name filter of the source AMI; the newest match is used."
}

variable "aws_source_ami_owners" {
  type        = list(string)
  default     = ["136693071363"]
  description = "Accounts the source AMI may come from (136693071363: Debian's official images)."
}

variable "aws_ssh_username" {
  type    = string
  default = "admin"
}

variable "aws_subnet_id" {
  type        = string
  default     = ""
  description = "Subnet of the build instance; empty: the default VPC."
}

variable "aws_ssh_cidrs" {
  type        = list(string)
  default     = ["0.0.0.0/0"]
  description = "Who may reach the build instance's SSH port while it runs."
}

variable "aws_encrypt_boot" {
  type    = bool
  default = false
}

# qemu (local and on-prem images: KVM, Xen, Proxmox, ...)

variable "qemu_source_image" {
  type        = string
  default     = "https://cloud.debian.org/images/cloud/bookworm/latest/debian-12-generic-amd64.qcow2"
  description = "A cloud image with cloud-init (Debian 12 generic by default)."
}

variable "qemu_source_checksum" {
  type        = string
  default     = "file:https://cloud.debian.org/images/cloud/bookworm/latest/SHA512SUMS"
  description = "Checksum of qemu_source_image, e.g. sha512:..., or file:URL of a checksum list."
}

variable "qemu_seed_dir" {
  type        = string
  default     = ""
  description = "NoCloud seed (user-data, meta-data) authorizing the build key; scripts/qemu-seed.sh makes one."

  validation {
    condition     = var.qemu_seed_dir == "" ? true : fileexists("${var.qemu_seed_dir}/user-data")
    error_message = "The qemu_seed_dir value must be empty or a directory holding user-data and meta-data (scripts/qemu-seed.sh DIR makes one)."
  }
}

variable "qemu_ssh_private_key_file" {
  type        = string
  default     = ""
  description = "Private half of the key in qemu_seed_dir; removed from the image at the end."
}

variable "qemu_ssh_username" {
  type    = string
  default = "debian"
}

variable "qemu_accelerator" {
  type        = string
  default     = "kvm"
  description = "kvm, or tcg where there is no /dev/kvm (much slower)."
}

variable "qemu_format" {
  type        = string
  default     = "qcow2"
  description = "qcow2, or raw for Xen and dd."
}

variable "qemu_disk_size" {
  type    = string
  default = "4G"
}

variable "qemu_output_directory" {
  type    = string
  default = "output-pacha-base"
}
