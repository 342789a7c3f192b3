package dev.pacha.transport;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.JSchRevokedHostKeyException;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SftpATTRS;
import com.jcraft.jsch.SftpException;
import com.jcraft.jsch.UserInfo;
import dev.pacha.config.HostKeyChecking;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Vector;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A store on an SSH master, over SFTP with JSch: works with any stock OpenSSH server and with the
 * embedded master. The only user of JSch; its exceptions become {@link TransportException}s here,
 * with a message that says what to do.
 */
public final class SftpBackend implements Backend {
  private final String user;
  private final String host;
  private final int port;
  private final String root;
  private final Session session;
  private final ChannelSftp sftp;
  private final Set<String> knownDirs = new HashSet<>();
  private SshSettings ssh;

  private SftpBackend(
      String user, String host, int port, String root, Session session, ChannelSftp sftp) {
    this.user = user;
    this.host = host;
    this.port = port;
    this.root = root;
    this.session = session;
    this.sftp = sftp;
  }

  /**
   * Connects and opens the SFTP channel; every failure is one clear line: a {@link
   * TransportException}, or a usage error for a key file open to others.
   */
  public static SftpBackend connect(
      String user, String host, int port, String root, SshSettings ssh) throws TransportException {
    String where = user + "@" + host + ":" + port;
    JSch jsch = new JSch();
    List<Path> keys = new ArrayList<>();
    for (Path identity : ssh.identities()) {
      if (Files.isRegularFile(identity)) {
        PrivateKeys.requireOwnerOnly(identity);
        try {
          jsch.addIdentity(identity.toString());
          keys.add(identity);
        } catch (JSchException e) {
          throw new TransportException(
              "cannot use SSH key "
                  + identity
                  + ": "
                  + e.getMessage()
                  + " (pacha needs a key without a passphrase; set pacha.ssh.identity)");
        }
      }
    }
    if (keys.isEmpty()) {
      throw new TransportException(
          "no SSH key found for the master (looked at "
              + ssh.identities()
              + "); set pacha.ssh.identity to the private key the master accepts");
    }
    PinnedHostKeys pinned;
    try {
      pinned = new PinnedHostKeys(jsch, ssh.knownHosts(), ssh.hostKeyChecking());
    } catch (JSchException | IOException e) {
      throw new TransportException(
          "cannot read known hosts " + ssh.knownHosts() + ": " + e.getMessage());
    }
    jsch.setHostKeyRepository(pinned);
    Session session;
    try {
      session = jsch.getSession(user, host, port);
      session.setConfig("StrictHostKeyChecking", "yes");
      session.setConfig("PreferredAuthentications", "publickey");
      String ciphers = System.getProperty("pacha.ssh.ciphers");
      if (ciphers != null) {
        session.setConfig("cipher.s2c", ciphers);
        session.setConfig("cipher.c2s", ciphers);
      }
      session.setServerAliveInterval(15_000);
      session.setServerAliveCountMax(4);
      session.setTimeout((int) ssh.readTimeout().toMillis());
      session.connect((int) ssh.connectTimeout().toMillis());
    } catch (JSchException e) {
      if (pinned.failure != null) {
        throw new TransportException(pinned.failure);
      }
      if (e instanceof JSchRevokedHostKeyException) {
        // A host certificate whose key or CA a @revoked line names (JSch checks certificates).
        throw new TransportException(
            "REVOKED HOST KEY: the master "
                + where
                + " offered a host certificate whose key or CA "
                + ssh.knownHosts()
                + " marks @revoked; refusing to connect: someone may be impersonating the master"
                + " with a stolen key",
            e);
      }
      throw new TransportException(connectFailure(where, keys, e), e);
    }
    try {
      ChannelSftp sftp = (ChannelSftp) session.openChannel("sftp");
      sftp.connect((int) ssh.connectTimeout().toMillis());
      sftp.setBulkRequests(64);
      SftpBackend b = new SftpBackend(user, host, port, root, session, sftp);
      b.ssh = ssh;
      return b;
    } catch (JSchException e) {
      session.disconnect();
      throw new TransportException(
          "the master "
              + where
              + " accepted the key but refused SFTP ("
              + e.getMessage()
              + "); enable `Subsystem sftp` in its sshd_config",
          e);
    }
  }

  private static String connectFailure(String where, List<Path> keys, JSchException e) {
    Throwable cause = e.getCause();
    String msg = String.valueOf(e.getMessage());
    if (cause instanceof ConnectException) {
      return "cannot connect to the master "
          + where
          + ": connection refused; is sshd running"
          + " there and the port right (pacha.ssh.port)?";
    }
    if (cause instanceof UnknownHostException) {
      return "cannot resolve the master's name '"
          + where.substring(where.indexOf('@') + 1)
          + "'; check pacha.host";
    }
    if (cause instanceof SocketTimeoutException || msg.contains("timeout")) {
      return "timed out connecting to the master " + where + "; check the network and firewall";
    }
    if (cause instanceof NoRouteToHostException) {
      return "no route to the master " + where + "; check the network";
    }
    if (msg.contains("Auth fail") || msg.contains("Auth cancel")) {
      return "the master "
          + where
          + " refused the key "
          + keys
          + "; add its public key to the master (pacha host add NAME --key KEY.pub, or the"
          + " user's authorized_keys)";
    }
    return "cannot connect to the master " + where + ": " + msg;
  }

  /** A second SSH session: one SFTP channel serves one request stream at a time. */
  @Override
  public Backend fork() throws IOException {
    return connect(user, host, port, root, ssh);
  }

  @Override
  public boolean forksConnections() {
    return true;
  }

  @Override
  public boolean isOpen() {
    return session.isConnected() && sftp.isConnected() && !sftp.isClosed();
  }

  @Override
  public String describe() {
    return "sftp://" + user + "@" + host + ":" + port + root;
  }

  private String abs(String path) {
    if (path.isEmpty() || path.equals(".")) {
      return root;
    }
    return root.equals("/") ? "/" + path : root + "/" + path;
  }

  @Override
  public List<String> list(String dir) throws IOException {
    try {
      Vector<ChannelSftp.LsEntry> entries = sftp.ls(abs(dir));
      List<String> names = new ArrayList<>();
      for (ChannelSftp.LsEntry e : entries) {
        String name = e.getFilename();
        if (!name.equals(".") && !name.equals("..")) {
          names.add(name);
        }
      }
      Collections.sort(names);
      return names;
    } catch (SftpException e) {
      if (e.id == ChannelSftp.SSH_FX_NO_SUCH_FILE) {
        return List.of();
      }
      throw wrap("list", dir, e);
    }
  }

  @Override
  public boolean exists(String path) throws IOException {
    try {
      sftp.lstat(abs(path));
      return true;
    } catch (SftpException e) {
      if (e.id == ChannelSftp.SSH_FX_NO_SUCH_FILE) {
        return false;
      }
      throw wrap("stat", path, e);
    }
  }

  @Override
  public InputStream read(String path, long offset) throws IOException {
    try {
      return sftp.get(abs(path), null, offset);
    } catch (SftpException e) {
      throw wrap("read", path, e);
    }
  }

  @Override
  public Upload upload(String path) throws IOException {
    int slash = path.lastIndexOf('/');
    if (slash > 0) {
      mkdirs(path.substring(0, slash));
    }
    String target = abs(path);
    String tmp =
        target.substring(0, target.lastIndexOf('/') + 1)
            + "."
            + target.substring(target.lastIndexOf('/') + 1)
            + ".tmp-"
            + Long.toHexString(ThreadLocalRandom.current().nextLong());
    OutputStream out;
    try {
      out = sftp.put(tmp, ChannelSftp.OVERWRITE);
    } catch (SftpException e) {
      throw wrap("write", path, e);
    }
    return new Upload() {
      private boolean done;

      @Override
      public OutputStream stream() {
        return out;
      }

      @Override
      public void commit() throws IOException {
        out.close();
        try {
          // JSch uses posix-rename@openssh.com when the server offers it: an atomic replace.
          sftp.rename(tmp, target);
        } catch (SftpException e) {
          throw wrap("publish", path, e);
        }
        done = true;
      }

      @Override
      public void close() {
        if (!done) {
          try {
            out.close();
            sftp.rm(tmp);
          } catch (IOException | SftpException | RuntimeException e) {
            // Best effort: a stray temp file is never read as data.
          }
        }
      }
    };
  }

  @Override
  public void mkdirs(String dir) throws IOException {
    if (dir.isEmpty() || knownDirs.contains(dir)) {
      return;
    }
    StringBuilder sofar = new StringBuilder();
    for (String part : dir.split("/")) {
      if (sofar.length() > 0) {
        sofar.append('/');
      }
      sofar.append(part);
      String rel = sofar.toString();
      if (knownDirs.contains(rel)) {
        continue;
      }
      try {
        SftpATTRS attrs = sftp.stat(abs(rel));
        if (!attrs.isDir()) {
          throw new TransportException(abs(rel) + " on the master is not a directory");
        }
      } catch (SftpException e) {
        if (e.id != ChannelSftp.SSH_FX_NO_SUCH_FILE) {
          throw wrap("stat", rel, e);
        }
        try {
          sftp.mkdir(abs(rel));
        } catch (SftpException e2) {
          throw wrap("create directory", rel, e2);
        }
      }
      knownDirs.add(rel);
    }
  }

  @Override
  public void delete(String path) throws IOException {
    try {
      sftp.rm(abs(path));
    } catch (SftpException e) {
      if (e.id != ChannelSftp.SSH_FX_NO_SUCH_FILE) {
        throw wrap("delete", path, e);
      }
    }
  }

  private IOException wrap(String op, String path, SftpException e) {
    String where = describe(path);
    if (e.id == ChannelSftp.SSH_FX_NO_SUCH_FILE) {
      return new NoSuchFileException(where);
    }
    if (e.id == ChannelSftp.SSH_FX_PERMISSION_DENIED) {
      AccessDeniedException denied =
          new AccessDeniedException(where, null, "the master denied " + op);
      return denied;
    }
    if (!session.isConnected()) {
      return new TransportException(
          "lost the connection to the master during " + op + " of " + where, e);
    }
    return new TransportException(op + " of " + where + " failed: " + e.getMessage(), e);
  }

  @Override
  public void close() {
    sftp.disconnect();
    session.disconnect();
  }

  /** SHA256 fingerprint of a public key blob, as OpenSSH shows it. */
  static String fingerprint(byte[] key) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(key);
      return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(d);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The key type named inside a public key blob ("ssh-ed25519"). */
  static String keyType(byte[] key) {
    if (key.length < 4) {
      return "unknown";
    }
    int n =
        ((key[0] & 0xff) << 24)
            | ((key[1] & 0xff) << 16)
            | ((key[2] & 0xff) << 8)
            | (key[3] & 0xff);
    if (n <= 0 || n > key.length - 4) {
      return "unknown";
    }
    String type = new String(key, 4, n, StandardCharsets.US_ASCII);
    // The master chose these bytes: never let them break a message's line.
    return type.chars().allMatch(c -> c > 0x20 && c < 0x7f) ? type : "unknown";
  }

  /**
   * Checks the master's host key against known_hosts per pacha.ssh.host_key_checking, as ssh does,
   * and keeps a one-line message (with the offered fingerprint and the file's line) when it
   * refuses. Plain keys are judged here, from our own reading of the file: {@code @revoked} lines
   * (patterns and hashed names too) refuse a key under every setting, and a pinned key that differs
   * is "HOST KEY CHANGED", naming the line to remove. Host certificates ({@code @cert-authority}
   * lines) are checked by JSch from its own reading of the same file, before this.
   */
  private static final class PinnedHostKeys implements HostKeyRepository {
    private final HostKeyRepository known;
    private final KnownHostsFile file;
    private final HostKeyChecking mode;
    String failure;

    PinnedHostKeys(JSch jsch, Path path, HostKeyChecking mode) throws JSchException, IOException {
      this.mode = mode;
      if (mode == HostKeyChecking.ACCEPT_NEW && !Files.exists(path)) {
        Files.createDirectories(path.toAbsolutePath().getParent());
        Files.createFile(path);
      }
      this.file = KnownHostsFile.read(path);
      if (Files.isReadable(path)) {
        jsch.setKnownHosts(path.toString());
      }
      this.known = jsch.getHostKeyRepository();
    }

    @Override
    public int check(String host, byte[] key) {
      String offered = keyType(key) + " " + fingerprint(key);
      // JSch, unlike ssh, also takes "host" for "[host]:port": so do revocations.
      List<String> names = new ArrayList<>(List.of(host));
      int close = host.indexOf("]:");
      if (host.startsWith("[") && close > 1) {
        names.add(host.substring(1, close));
      }
      for (String name : names) {
        KnownHostsFile.Line revoked = file.revoking(name, key);
        if (revoked != null) {
          // ssh refuses a revoked key under yes and accept-new, and under no connects with a
          // warning; pacha refuses under every setting: it would pull files and hooks from the
          // impostor and run them as root, and has nobody to warn.
          failure =
              "REVOKED HOST KEY: the master "
                  + host
                  + " offered host key "
                  + offered
                  + ", which "
                  + where(revoked)
                  + " marks @revoked; refusing to connect under every"
                  + " pacha.ssh.host_key_checking: someone may be impersonating the master with a"
                  + " stolen key (if the master has a new key, pin that one)";
          return CHANGED;
        }
      }
      List<KnownHostsFile.Line> pins = file.pinned(host);
      if (pins.isEmpty() && names.size() > 1) {
        pins = file.pinned(names.get(1));
      }
      for (KnownHostsFile.Line pin : pins) {
        if (java.util.Arrays.equals(pin.key(), key)) {
          return OK;
        }
      }
      if (mode == HostKeyChecking.NO) {
        return OK;
      }
      if (!pins.isEmpty()) {
        // Name the pins of the offered type (what ssh calls the offending key), else all of them.
        List<KnownHostsFile.Line> offending =
            pins.stream().filter(l -> l.type().equals(keyType(key))).toList();
        if (offending.isEmpty()) {
          offending = pins;
        }
        List<String> pinned = new ArrayList<>();
        List<String> numbers = new ArrayList<>();
        for (KnownHostsFile.Line l : offending) {
          pinned.add("line " + l.number() + " pins " + l.type() + " " + l.fingerprint());
          numbers.add(Integer.toString(l.number()));
        }
        failure =
            "HOST KEY CHANGED: the master "
                + host
                + " offered host key "
                + offered
                + ", but "
                + file.file()
                + " "
                + String.join(" and ", pinned)
                + "; someone may be impersonating the master, or it was re-keyed: only if you know"
                + " it was, remove line"
                + (numbers.size() > 1 ? "s " : " ")
                + String.join(", ", numbers)
                + " of "
                + file.file()
                + " and pin the new key; else do not connect";
        return CHANGED;
      }
      if (mode == HostKeyChecking.ACCEPT_NEW) {
        try {
          file.append(host, keyType(key), key);
          return OK;
        } catch (IOException e) {
          failure =
              "cannot pin the master's host key "
                  + offered
                  + " in "
                  + file.file()
                  + ": "
                  + e.getMessage();
          return NOT_INCLUDED;
        }
      }
      String ca =
          names.stream()
              .flatMap(n -> file.matching(n).stream())
              .filter(l -> l.marker().equals("@cert-authority"))
              .findFirst()
              .map(
                  l ->
                      " (it offered a plain key, not a certificate from the CA of "
                          + where(l)
                          + ")")
              .orElse("");
      failure =
          "the master "
              + host
              + " offered host key "
              + offered
              + ", which is not in "
              + file.file()
              + ca
              + "; check it and pin it there (ssh-keyscan), or set"
              + " pacha.ssh.host_key_checking = accept-new";
      return NOT_INCLUDED;
    }

    private String where(KnownHostsFile.Line l) {
      return file.file() + " line " + l.number();
    }

    @Override
    public void add(HostKey hostkey, UserInfo ui) {
      known.add(hostkey, ui);
    }

    @Override
    public void remove(String host, String type) {
      known.remove(host, type);
    }

    @Override
    public void remove(String host, String type, byte[] key) {
      known.remove(host, type, key);
    }

    @Override
    public String getKnownHostsRepositoryID() {
      return known.getKnownHostsRepositoryID();
    }

    @Override
    public HostKey[] getHostKey() {
      return known.getHostKey();
    }

    @Override
    public HostKey[] getHostKey(String host, String type) {
      return known.getHostKey(host, type);
    }
  }
}
