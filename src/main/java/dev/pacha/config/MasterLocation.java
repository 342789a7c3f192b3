package dev.pacha.config;

import java.net.URI;
import java.util.Locale;

/**
 * Where the master store lives: {@code sftp://user@host:port/path}, {@code file:///path} or {@code
 * s3://bucket/prefix}. Built from pacha.master.url, or from the seed's keys (pacha.host,
 * pacha.ssh.port, pacha.ssh.user, pacha.hosts.path).
 */
public record MasterLocation(String scheme, String user, String host, int port, String path) {

  /** A URL as text, without secrets (there are none in it). */
  public String display() {
    return switch (scheme) {
      case "file" -> "file://" + path;
      case "s3" -> "s3://" + host + path;
      // A URL without a user leaves it to the ssh config (the OpenSSH client): no "null@".
      default -> "sftp://" + (user == null ? "" : user + "@") + host + ":" + port + path;
    };
  }

  /** Parses pacha.master.url; {@code what} names the source for the error message. */
  static MasterLocation parse(String url, String what) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (Exception e) {
      throw new ConfigException(
          what
              + " = "
              + url
              + " is not a URL; use sftp://user@host:port/path, file:///path"
              + " or s3://bucket/prefix");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String path = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
    switch (scheme) {
      case "file":
        if (uri.getHost() != null && !uri.getHost().isEmpty()) {
          throw new ConfigException(
              what + " = " + url + ": a file:// URL names a local path; use file:///path");
        }
        if (uri.isOpaque()) {
          // file:srv/pacha has no path at all; it must not fall back to "/" below.
          throw new ConfigException(
              what + " = " + url + ": the path must be absolute; use file:///path");
        }
        return new MasterLocation("file", null, null, 0, stripSlash(path));
      case "sftp":
        if (uri.getHost() == null) {
          throw new ConfigException(
              what + " = " + url + " has no host; use sftp://user@host:port/path");
        }
        int port = uri.getPort() < 0 ? 22 : uri.getPort();
        if (port < 1 || port > 65535) {
          throw new ConfigException(what + " = " + url + ": port must be 1 to 65535");
        }
        return new MasterLocation("sftp", uri.getUserInfo(), uri.getHost(), port, stripSlash(path));
      case "s3":
        if (uri.getHost() == null) {
          throw new ConfigException(what + " = " + url + " has no bucket; use s3://bucket/prefix");
        }
        return new MasterLocation("s3", null, uri.getHost(), 0, stripSlash(path));
      default:
        throw new ConfigException(
            what
                + " = "
                + url
                + ": scheme '"
                + scheme
                + "' is not supported; use sftp://,"
                + " file:// or s3://");
    }
  }

  private static String stripSlash(String path) {
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
