package dev.pacha.aws;

import dev.pacha.config.MasterLocation;
import dev.pacha.config.PachaConfig;
import dev.pacha.transport.Backend;
import dev.pacha.transport.BackendProvider;
import dev.pacha.transport.TransportException;

/** Serves {@code s3://bucket/prefix} master URLs; registered in META-INF/services. */
public final class S3BackendProvider implements BackendProvider {
  @Override
  public String scheme() {
    return "s3";
  }

  @Override
  public Backend open(MasterLocation where, PachaConfig config) throws TransportException {
    return S3Backend.open(where.host(), where.path(), config.s3());
  }
}
