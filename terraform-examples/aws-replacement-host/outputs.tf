output "autoscaling_group_name" {
  description = "Name of the group of one that keeps the host alive (aws autoscaling describe-auto-scaling-groups --auto-scaling-group-names NAME)."
  value       = aws_autoscaling_group.host.name
}

output "launch_template_id" {
  description = "ID of the launch template; it also launches the host by hand: aws ec2 run-instances --launch-template LaunchTemplateId=ID."
  value       = aws_launch_template.host.id
}

output "launch_template_version" {
  description = "The template version the group launches."
  value       = aws_launch_template.host.latest_version
}

output "image_id" {
  description = "The AMI the host is launched from."
  value       = aws_launch_template.host.image_id
}

output "instance_profile_arn" {
  description = "The instance profile of the host (its role reads the host's SSM parameters and S3 prefix only)."
  value       = module.role.instance_profile_arn
}

output "ssm_parameter_name" {
  description = "Where the host's key for the master goes, as a SecureString (with --secrets ssm:/pacha/<host>)."
  value       = "${module.role.ssm_parameter_prefix}/identity"
}
