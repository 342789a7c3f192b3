# A template for the driver's tests: no cloud, no VM. The null and file builders with
# shell-local provisioners give real packer events, artifacts, errors and long runs on demand.

variable "pacha_deb" {
  type    = string
  default = ""
}

variable "pacha_version" {
  type    = string
  default = ""
}

variable "work_dir" {
  type        = string
  description = "Where the file builder writes and the provisioners leave their marks."
}

variable "message" {
  type    = string
  default = "hello, packer"
}

variable "fail_with" {
  type        = number
  default     = 0
  description = "Exit code of the null build's provisioner; 0: it succeeds."
}

variable "sleep_seconds" {
  type    = number
  default = 0
}

source "null" "test" {
  communicator = "none"
}

source "file" "test" {
  content = "baked by pacha's driver test\n"
  target  = "${var.work_dir}/artifact.txt"
}

build {
  name    = "driver"
  sources = ["source.null.test", "source.file.test"]

  provisioner "shell-local" {
    inline = [
      "echo \"message: ${var.message}\"",
      "echo \"deb: ${var.pacha_deb}\"",
      "echo \"version: ${var.pacha_version}\"",
    ]
  }

  # Long runs for cancellation tests: the shell and its sleep leave their pids behind.
  provisioner "shell-local" {
    only = ["null.test"]
    inline = [
      "echo $$ > ${var.work_dir}/shell.pid",
      "sleep ${var.sleep_seconds} & echo $! > ${var.work_dir}/sleep.pid",
      "wait",
      "if [ ${var.fail_with} -ne 0 ]; then echo \"failing with ${var.fail_with}\" >&2; exit ${var.fail_with}; fi",
    ]
  }
}
