output "role_name" {
  description = "Name of the host's IAM role (attach more policies to it if the host needs them)."
  value       = aws_iam_role.host.name
}

output "role_arn" {
  description = "ARN of the host's IAM role."
  value       = aws_iam_role.host.arn
}

output "instance_profile_name" {
  description = "Name of the instance profile that carries the role."
  value       = aws_iam_instance_profile.host.name
}

output "instance_profile_arn" {
  description = "ARN of the instance profile that carries the role (what a launch template or an instance names)."
  value       = aws_iam_instance_profile.host.arn
}

output "ssm_parameter_prefix" {
  description = "The SSM path the role may read: render the user-data with --secrets ssm:<this> and store the key at <this>/identity."
  value       = local.ssm_prefix
}
