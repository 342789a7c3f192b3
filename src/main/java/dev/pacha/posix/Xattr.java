package dev.pacha.posix;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One extended attribute: its full name with namespace ("user.x", "trusted.y", "security.selinux",
 * "security.capability", "system.posix_acl_access", "system.posix_acl_default"), byte-exact ({@link
 * PathBytes}), and its value as stored.
 */
public record Xattr(String name, byte[] value) {
  public Xattr {
    value = value.clone();
  }

  @Override
  public byte[] value() {
    return value.clone();
  }

  /** Whether it is a POSIX ACL (the kernel's binary form of getfacl's text). */
  public boolean isAcl() {
    return name.equals("system.posix_acl_access") || name.equals("system.posix_acl_default");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Xattr x && x.name.equals(name) && Arrays.equals(x.value, value);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return PathBytes.printable(name) + "=0x" + HexFormat.of().formatHex(value);
  }
}
