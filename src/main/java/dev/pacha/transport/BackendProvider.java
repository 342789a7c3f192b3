package dev.pacha.transport;

import dev.pacha.config.MasterLocation;
import dev.pacha.config.PachaConfig;

/**
 * Opens a {@link Backend} for one URL scheme that the store does not know itself (s3://). Found
 * with {@link java.util.ServiceLoader}: an implementation is listed in {@code
 * META-INF/services/dev.pacha.transport.BackendProvider}. This keeps the store free of the
 * libraries a backend needs (the AWS SDK lives only in dev.pacha.aws).
 */
public interface BackendProvider {

  /** The URL scheme this provider serves, lower case ("s3"). */
  String scheme();

  /**
   * Connects to the master store at {@code where}.
   *
   * @throws TransportException when the store cannot be reached or refuses us (exit code 3)
   */
  Backend open(MasterLocation where, PachaConfig config) throws TransportException;
}
