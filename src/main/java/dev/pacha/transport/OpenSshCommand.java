package dev.pacha.transport;

import dev.pacha.config.HostKeyChecking;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How to start the system's ssh for one SFTP connection, as rsync, restic and git do: pacha's
 * settings become ssh options only when the config sets them; everything else is the user's ssh
 * config (Host aliases, ProxyJump, IdentityFile, CertificateFile, ControlMaster) and ssh-agent.
 *
 * @param program the ssh program
 * @param host the master's name as pacha was given it: a host, an address or an ssh config alias
 * @param user pacha.ssh.user (or the URL's user), when set
 * @param port pacha.ssh.port (or the URL's port), when set
 * @param config pacha.ssh.config: read instead of ~/.ssh/config and /etc/ssh/ssh_config
 * @param identity pacha.ssh.identity: then only this key (and its certificate) is offered
 * @param knownHosts pacha.ssh.known_hosts
 * @param hostKeyChecking pacha.ssh.host_key_checking
 * @param batch no prompts: nobody can answer one (first boot, the push daemon, no terminal)
 * @param connectTimeout how long the TCP connection may take
 */
public record OpenSshCommand(
    Path program,
    String host,
    Optional<String> user,
    OptionalInt port,
    Optional<Path> config,
    Optional<Path> identity,
    Optional<Path> knownHosts,
    Optional<HostKeyChecking> hostKeyChecking,
    boolean batch,
    Duration connectTimeout) {

  /** Seconds between keep-alive probes; after 4 unanswered the link counts as dead. */
  static final int ALIVE_INTERVAL = 15;

  static final int ALIVE_COUNT = 4;

  /** The command line. */
  public List<String> argv() {
    return argv(List.of());
  }

  /** The command line with more {@code -o} options ("LogLevel=DEBUG1"), which win. */
  List<String> argv(List<String> extraOptions) {
    List<String> a = new ArrayList<>();
    a.add(program.toString());
    config.ifPresent(
        f -> {
          a.add("-F");
          a.add(f.toString());
        });
    // A file transfer: no terminal, no forwarding of the agent, X11 or ports the user's config
    // may ask for (a second LocalForward would fail to bind while the user's own session runs).
    for (String o : extraOptions) {
      a.add("-o");
      a.add(o);
    }
    a.add("-T");
    a.add("-x");
    a.add("-a");
    option(a, "ClearAllForwardings", "yes");
    option(a, "PermitLocalCommand", "no");
    // A dead link is noticed within a minute; an unreachable master within the connect timeout.
    option(a, "ServerAliveInterval", Integer.toString(ALIVE_INTERVAL));
    option(a, "ServerAliveCountMax", Integer.toString(ALIVE_COUNT));
    option(a, "ConnectTimeout", Long.toString(Math.max(1, connectTimeout.toSeconds())));
    if (batch) {
      option(a, "BatchMode", "yes");
    }
    identity.ifPresent(
        key -> {
          a.add("-i");
          a.add(key.toString());
          option(a, "IdentitiesOnly", "yes");
        });
    knownHosts.ifPresent(f -> option(a, "UserKnownHostsFile", quoted(f.toString())));
    hostKeyChecking.ifPresent(
        c ->
            option(
                a,
                "StrictHostKeyChecking",
                switch (c) {
                  case YES -> "yes";
                  case ACCEPT_NEW -> "accept-new";
                  case NO -> "no";
                }));
    port.ifPresent(
        p -> {
          a.add("-p");
          a.add(Integer.toString(p));
        });
    user.ifPresent(
        u -> {
          a.add("-l");
          a.add(u);
        });
    a.add("-s");
    // "--": a host name can never be read as an option.
    a.add("--");
    a.add(bare(host));
    a.add("sftp");
    return a;
  }

  /** The master as messages name it: what pacha knows of user, host and port. */
  public String where() {
    StringBuilder sb = new StringBuilder();
    user.ifPresent(u -> sb.append(u).append('@'));
    sb.append(host);
    port.ifPresent(p -> sb.append(':').append(p));
    return sb.toString();
  }

  private static void option(List<String> a, String name, String value) {
    a.add("-o");
    a.add(name + "=" + value);
  }

  /** ssh splits a file option's value at spaces unless it is quoted. */
  private static String quoted(String path) {
    return path.indexOf(' ') < 0 ? path : "\"" + path + "\"";
  }

  /** An IPv6 address as a URL writes it, [::1], is ::1 to ssh. */
  static String bare(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }
}
