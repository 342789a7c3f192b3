# One build for every source: the same provisioning on EC2 and on a local disk image.
build {
  name    = "pacha-base"
  sources = ["source.amazon-ebs.debian", "source.qemu.debian"]

  # A private drop box for the .deb and the preloaded files (the file provisioner runs as the
  # SSH user, the script as root).
  provisioner "shell" {
    inline = ["rm -rf /tmp/pacha-bake", "mkdir -m 0700 /tmp/pacha-bake"]
  }

  provisioner "file" {
    sources = compact([
      var.pacha_deb,
      var.preload_config_file,
      var.preload_ssh_key_file,
      var.preload_known_hosts_file,
    ])
    destination = "/tmp/pacha-bake/"
  }

  provisioner "shell" {
    script          = "${path.root}/scripts/provision.sh"
    execute_command = "chmod +x {{ .Path }}; sudo env {{ .Vars }} {{ .Path }}"
    environment_vars = [
      "PACHA_DEB=/tmp/pacha-bake/${basename(var.pacha_deb)}",
      "PACHA_JAVA_PACKAGE=${var.java_package}",
      "PACHA_HOST=${var.preload_host}",
      "PACHA_CONFIG_FILE=${var.preload_config_file == "" ? "" : "/tmp/pacha-bake/${basename(var.preload_config_file)}"}",
      "PACHA_SSH_KEY_FILE=${var.preload_ssh_key_file == "" ? "" : "/tmp/pacha-bake/${basename(var.preload_ssh_key_file)}"}",
      "PACHA_KNOWN_HOSTS_FILE=${var.preload_known_hosts_file == "" ? "" : "/tmp/pacha-bake/${basename(var.preload_known_hosts_file)}"}",
      "PACHA_ENABLE_REBUILD=yes",
      "PACHA_FIRST_BOOT_RESET=yes",
      "PACHA_CLEANUP=/tmp/pacha-bake",
    ]
  }
}
