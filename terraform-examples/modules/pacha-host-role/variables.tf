variable "host" {
  type        = string
  description = "The pacha host name (pacha.hostname): the role may read only this host's SSM parameters and S3 prefix."

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9._-]*$", var.host))
    error_message = "The host value must be a host name: letters, digits, dot, dash, underscore."
  }
}

variable "region" {
  type        = string
  description = "Region of the SSM parameters (and of the instance): SSM decrypts through KMS in this region."
}

variable "kms_key_arn" {
  type        = string
  default     = ""
  description = "ARN of the customer-managed KMS key that encrypts the host's SecureString parameters; empty: the AWS-managed key alias/aws/ssm."
}

variable "s3_bucket" {
  type        = string
  default     = ""
  description = "Bucket of an s3:// master (pacha.master.url = s3://BUCKET/PREFIX); empty: no S3 access (an SFTP master)."
}

variable "s3_prefix" {
  type        = string
  default     = "hosts"
  description = "PREFIX of pacha.master.url = s3://BUCKET/PREFIX, without leading or trailing slash; the role gets PREFIX/<host>/ only."

  validation {
    condition     = !startswith(var.s3_prefix, "/") && !endswith(var.s3_prefix, "/")
    error_message = "The s3_prefix value must not start or end with a slash (hosts, not /hosts/)."
  }
}

variable "tags" {
  type        = map(string)
  default     = {}
  description = "Tags for the role and the instance profile."
}
