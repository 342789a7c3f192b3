variable "host" {
  type        = string
  description = "The pacha host this instance becomes (the --host given to pacha cloud-init render); names and tags the instance."
}

variable "region" {
  type        = string
  description = "AWS region of the instance, the image and the host's SSM parameters, e.g. eu-west-1."
}

variable "subnet_id" {
  type        = string
  default     = ""
  description = "Subnet of the instance; empty: a default subnet of the default VPC."
}

variable "user_data_file" {
  type        = string
  default     = "user-data"
  description = "The file pacha cloud-init render wrote (-o), relative to the directory terraform runs in; plain or gzip, it is base64-encoded once, by filebase64()."

  validation {
    condition     = fileexists(var.user_data_file)
    error_message = "The user_data_file value must name the file written by pacha cloud-init render ... -o FILE: render the user-data first."
  }
}

variable "image_id" {
  type        = string
  default     = ""
  description = "AMI to launch; empty: the newest image of this account tagged pacha:role = base (what pacha image bake makes)."
}

variable "instance_type" {
  type        = string
  default     = "t3.micro"
  description = "EC2 instance type of the host."
}

variable "security_group_ids" {
  type        = list(string)
  default     = []
  description = "Security groups of the instance; empty: the VPC's default group. pacha needs no inbound port, only outbound access to the master (and to SSM and S3)."
}

variable "key_name" {
  type        = string
  default     = ""
  description = "EC2 key pair for logging in over SSH; empty: none (pacha does not need one)."
}

variable "kms_key_arn" {
  type        = string
  default     = ""
  description = "Customer-managed KMS key of the host's SecureString parameters; empty: the AWS-managed alias/aws/ssm."
}

variable "s3_bucket" {
  type        = string
  default     = ""
  description = "Bucket of an s3:// master (pacha.master.url = s3://BUCKET/PREFIX); empty: the host gets no S3 access (an SFTP master)."
}

variable "s3_prefix" {
  type        = string
  default     = "hosts"
  description = "PREFIX of pacha.master.url = s3://BUCKET/PREFIX; the host may touch PREFIX/<host>/ only."
}

variable "tags" {
  type        = map(string)
  default     = {}
  description = "Extra tags for everything created; Name and pacha:host are always the host."
}
