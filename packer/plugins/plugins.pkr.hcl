# For Packer 1.7 and newer only: `packer init packer/plugins` installs the plugins the templates
# in packer/ use. Packer 1.6.6 (Debian 12) has them built in and rejects this block, which is why
# it lives in a directory of its own that `packer build packer/` does not read.
packer {
  required_version = ">= 1.7.0"
  required_plugins {
    amazon = {
      version = ">= 1.2.0"
      source  = "github.com/hashicorp/amazon"
    }
    qemu = {
      version = ">= 1.0.0"
      source  = "github.com/hashicorp/qemu"
    }
  }
}
