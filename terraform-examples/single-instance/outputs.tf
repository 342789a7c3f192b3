output "instance_id" {
  description = "ID of the instance."
  value       = aws_instance.host.id
}

output "private_ip" {
  description = "Private address of the instance."
  value       = aws_instance.host.private_ip
}

output "image_id" {
  description = "The AMI the instance was launched from."
  value       = aws_instance.host.ami
}

output "instance_profile_arn" {
  description = "The instance profile of the host (its role reads the host's SSM parameters and S3 prefix only)."
  value       = module.role.instance_profile_arn
}

output "ssm_parameter_name" {
  description = "Where the host's key for the master goes, as a SecureString (with --secrets ssm:/pacha/<host>)."
  value       = "${module.role.ssm_parameter_prefix}/identity"
}
