package dev.pacha.transport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what ssh wrote on stderr when it failed into one line for the operator, with ssh's own
 * reason in it and what to do, and tells a configuration error (exit 2: retrying will not help)
 * from a master that cannot be reached or refuses us (exit 3).
 */
final class SshErrors {
  private SshErrors() {}

  /**
   * What went wrong.
   *
   * @param message one line, ssh's reason included
   * @param configuration true when ssh refused its own configuration (a bad option, a missing
   *     config file): exit code 2
   */
  record Failure(String message, boolean configuration) {}

  /** What the messages name: the master, and pacha's settings that may be the cause. */
  record Context(
      String where,
      Optional<Path> identity,
      boolean identityProtected,
      Optional<Path> knownHosts,
      boolean batch,
      Optional<String> offeredKey) {}

  /** ssh's line that names the host key it was offered ("ssh-ed25519 SHA256:..."), at DEBUG1. */
  static Optional<String> offeredKey(List<String> stderr) {
    Pattern p = Pattern.compile("Server host key: (\\S+) (SHA256:\\S+)");
    for (String l : stderr) {
      Matcher m = p.matcher(l);
      if (m.find()) {
        return Optional.of(m.group(1) + " " + m.group(2));
      }
    }
    return Optional.empty();
  }

  /**
   * Whether ssh failed because the master's host key is not pinned (in batch mode with ssh's
   * default StrictHostKeyChecking=ask it says only "Host key verification failed.").
   */
  static boolean unknownHostKey(List<String> stderr) {
    String all = String.join("\n", stderr);
    return all.contains("Host key verification failed")
        && !all.contains("REMOTE HOST IDENTIFICATION HAS CHANGED")
        && !all.contains("REVOKED HOST KEY DETECTED")
        && !all.toLowerCase(java.util.Locale.ROOT).contains("certificate");
  }

  private static final Pattern CONFIG_ERROR =
      Pattern.compile(
          "(?i)bad configuration option|unsupported option|garbage at end of line|no argument after"
              + " keyword|bad configuration options|can't open user config file|keyword \\S+ extra"
              + " arguments|missing argument|unknown option|bad port|invalid (argument|number|"
              + "command|time value)|^usage: ssh|line \\d+: .*(invalid|bad|unsupported)");
  private static final Pattern FINGERPRINT = Pattern.compile("(SHA256:[A-Za-z0-9+/=]+)");
  private static final Pattern KEY_SENT =
      Pattern.compile("fingerprint for the (\\S+) key sent by the remote host");
  private static final Pattern OFFENDING = Pattern.compile("Offending \\S+ key in (.+):(\\d+)");

  /** Why ssh could not open the SFTP connection. */
  static Failure connecting(List<String> stderr, Optional<Integer> exit, Context c) {
    List<String> lines = clean(stderr);
    Optional<String> config = first(lines, CONFIG_ERROR);
    if (config.isPresent()) {
      return new Failure(
          "ssh refused its configuration ("
              + config.get()
              + "); fix it in the ssh config"
              + " (pacha.ssh.config, ~/.ssh/config) or in the pacha.ssh.* keys",
          true);
    }
    String all = String.join("\n", lines);
    if (revoked(lines)) {
      return new Failure(revokedMessage(c), false);
    }
    if (all.contains("REMOTE HOST IDENTIFICATION HAS CHANGED")) {
      return new Failure(changed(lines, all, c), false);
    }
    Optional<String> unknown =
        first(lines, Pattern.compile("host key is known for|Host key verification failed"));
    if (unknown.isPresent()) {
      Optional<String> detail =
          first(lines, Pattern.compile("(?i)host key is known for|certificate|revoked"));
      String file = c.knownHosts().map(Path::toString).orElse("the known_hosts of your ssh config");
      return new Failure(
          "the master "
              + c.where()
              + c.offeredKey()
                  .map(k -> " offered host key " + k + ", which is not in " + file)
                  .orElse("'s host key could not be verified against " + file)
              + " (ssh: "
              + detail.orElse(unknown.get())
              + "); check it and pin it there (ssh-keyscan), or set"
              + " pacha.ssh.host_key_checking = accept-new",
          false);
    }
    Optional<String> denied = first(lines, Pattern.compile("Permission denied"));
    if (denied.isPresent()) {
      StringBuilder sb =
          new StringBuilder("the master ")
              .append(c.where())
              .append(" refused ")
              .append(c.identity().map(k -> "the key " + k).orElse("every key ssh offered"))
              .append(" (ssh: ")
              .append(denied.get());
      first(lines, Pattern.compile("^Load key|not accessible|passphrase", Pattern.CASE_INSENSITIVE))
          .ifPresent(why -> sb.append("; ").append(why));
      sb.append(")");
      if (c.identityProtected() && c.batch()) {
        sb.append("; the key is protected by a passphrase and nobody can type it here (no")
            .append(" terminal, or an unattended run): add it to ssh-agent, or give pacha a key")
            .append(" without one");
      } else {
        sb.append("; add its public key to the master (pacha host add NAME --key KEY.pub, or the")
            .append(" user's authorized_keys)");
      }
      return new Failure(sb.toString(), false);
    }
    Optional<String> resolve = first(lines, Pattern.compile("Could not resolve hostname"));
    if (resolve.isPresent()) {
      return new Failure(
          "cannot resolve the master's name (ssh: "
              + resolve.get()
              + "); check pacha.host, pacha.master.url or the Host entry of your ssh config",
          false);
    }
    Optional<String> refused = first(lines, Pattern.compile("Connection refused"));
    if (refused.isPresent()) {
      return new Failure(
          "cannot connect to the master "
              + c.where()
              + " (ssh: "
              + refused.get()
              + "); is sshd running there and the port right (pacha.ssh.port)?",
          false);
    }
    Optional<String> timeout = first(lines, Pattern.compile("(?i)timed out"));
    if (timeout.isPresent()) {
      return new Failure(
          "timed out connecting to the master "
              + c.where()
              + " (ssh: "
              + timeout.get()
              + "); check the network and firewall",
          false);
    }
    Optional<String> route =
        first(lines, Pattern.compile("(?i)no route to host|network is unreachable"));
    if (route.isPresent()) {
      return new Failure(
          "cannot reach the master " + c.where() + " (ssh: " + route.get() + "); check the network",
          false);
    }
    Optional<String> subsystem = first(lines, Pattern.compile("(?i)subsystem request failed"));
    if (subsystem.isPresent()) {
      return new Failure(
          "the master "
              + c.where()
              + " accepted the key but refused SFTP (ssh: "
              + subsystem.get()
              + "); enable `Subsystem sftp` in its sshd_config",
          false);
    }
    return new Failure(
        "cannot connect to the master " + c.where() + " (" + said(lines, exit) + ")", false);
  }

  /** Whether ssh said the master's host key is marked @revoked (under "no" it connects anyway). */
  static boolean revoked(List<String> stderr) {
    return stderr.stream().anyMatch(l -> l.contains("REVOKED HOST KEY DETECTED"));
  }

  /** The built-in client's words for a revoked host key. */
  static String revokedMessage(Context c) {
    return "REVOKED HOST KEY: the master "
        + c.where()
        + " offered a host key that "
        + c.knownHosts().map(Path::toString).orElse("known_hosts")
        + " marks @revoked; refusing to connect under every pacha.ssh.host_key_checking: someone"
        + " may be impersonating the master with a stolen key (if the master has a new key, pin"
        + " that one)";
  }

  /** Why an SFTP connection that was open ended (the link dropped, ssh was killed). */
  static String dropped(List<String> stderr, Optional<Integer> exit) {
    return said(clean(stderr), exit);
  }

  private static String changed(List<String> lines, String all, Context c) {
    String offered = "";
    Matcher type = KEY_SENT.matcher(all);
    Matcher fp = FINGERPRINT.matcher(all);
    if (type.find()) {
      offered = " " + type.group(1);
    }
    if (fp.find()) {
      offered += " " + fp.group(1);
    }
    // ssh names the file and line of the pin that differs ("Offending ED25519 key in FILE:3").
    Matcher off = OFFENDING.matcher(all);
    String file = c.knownHosts().map(Path::toString).orElse("known_hosts");
    String pins = file;
    String remove = "the master's line of " + file;
    if (off.find()) {
      file = off.group(1);
      int number = Integer.parseInt(off.group(2));
      pins = file + " line " + number + pinnedKey(Path.of(file), number);
      remove = "line " + number + " of " + file;
    }
    // The same words as the built-in client's (SftpBackend).
    return "HOST KEY CHANGED: the master "
        + c.where()
        + " offered host key"
        + offered
        + ", but "
        + pins
        + "; someone may be impersonating the master, or it was re-keyed: only if you know it was,"
        + " remove "
        + remove
        + " and pin the new key; else do not connect";
  }

  /** " pins TYPE SHA256:..." of a known_hosts line, or nothing when it cannot be read. */
  private static String pinnedKey(Path file, int number) {
    try {
      for (KnownHostsFile.Line l : KnownHostsFile.read(file).lines()) {
        if (l.number() == number) {
          return " pins " + l.type() + " " + l.fingerprint();
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      // The line's number is enough to find it.
    }
    return "";
  }

  /** ssh's last words, on one line; or its exit code when it said nothing. */
  private static String said(List<String> lines, Optional<Integer> exit) {
    List<String> last = new ArrayList<>();
    for (int i = lines.size() - 1; i >= 0 && last.size() < 2; i--) {
      last.add(0, lines.get(i));
    }
    if (last.isEmpty()) {
      return exit.map(e -> "ssh exited with code " + e + " without saying why")
          .orElse("ssh ended the connection without saying why");
    }
    return "ssh: " + String.join("; ", last);
  }

  /** ssh's lines without the banner art, blank lines and carriage returns. */
  static List<String> clean(List<String> stderr) {
    List<String> out = new ArrayList<>();
    for (String raw : stderr) {
      String l = raw.replace("\r", "").strip();
      if (l.isEmpty() || l.startsWith("@@@") || l.startsWith("Warning: Permanently added")) {
        continue;
      }
      if (l.startsWith("@") && l.endsWith("@")) {
        l = l.substring(1, l.length() - 1).strip();
      }
      if (l.startsWith("ssh: ")) {
        l = l.substring(5);
      }
      out.add(l);
    }
    return out;
  }

  private static Optional<String> first(List<String> lines, Pattern p) {
    for (String l : lines) {
      if (p.matcher(l).find()) {
        return Optional.of(l);
      }
    }
    return Optional.empty();
  }
}
