package dev.pacha.testing;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;

/**
 * A real S3-compatible server (s3proxy) in the test JVM, over HTTP on 127.0.0.1 and a free port,
 * keeping its buckets in memory. It checks AWS signatures, so a wrong secret is refused as AWS
 * would refuse it.
 */
public final class S3Server implements AutoCloseable {
  public static final String ACCESS_KEY = "pacha-test-key";
  public static final String SECRET_KEY = "pacha-test-secret";
  public static final String REGION = "us-east-1";

  private final S3Proxy proxy;
  private final BlobStore store;

  private S3Server(S3Proxy proxy, BlobStore store) {
    this.proxy = proxy;
    this.store = store;
  }

  public static S3Server start() throws Exception {
    return start(UnaryOperator.identity());
  }

  /**
   * As {@link #start()}, serving the store through {@code wrap} (a policy in front of it, say);
   * {@link #store()} stays the store itself.
   */
  public static S3Server start(UnaryOperator<BlobStore> wrap) throws Exception {
    Properties p = new Properties();
    p.setProperty("jclouds.filesystem.basedir", Files.createTempDirectory("s3proxy").toString());
    BlobStore store = BlobStores.create("transient-nio2", p);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(wrap.apply(store))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .endpoint(URI.create("http://127.0.0.1:0"))
            .ignoreUnknownHeaders(true)
            .build();
    proxy.start();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
      }
      Thread.sleep(10);
    }
    return new S3Server(proxy, store);
  }

  /** The store behind the server, as an operator with every right sees it. */
  public BlobStore store() {
    return store;
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  public void createBucket(String name) {
    store.createContainer(name);
  }

  /**
   * Lets the SDK's default credentials chain find this server's key through system properties (the
   * in-process CLI has no other way in), and keeps it off the instance metadata service.
   */
  public static void useTestCredentials() {
    System.setProperty("aws.accessKeyId", ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", SECRET_KEY);
    System.setProperty("aws.disableEc2Metadata", "true");
  }

  /** Config lines for a pacha.conf whose master is {@code s3://bucket/prefix} on this server. */
  public String[] configLines(String bucket, String prefix) {
    return new String[] {
      "pacha.master.url = s3://" + bucket + prefix,
      "pacha.s3.endpoint = " + endpoint(),
      "pacha.s3.region = " + REGION,
      "pacha.s3.path_style = True",
    };
  }

  /** Writes a pacha config for host {@code host} pushing to s3://bucket/prefix on this server. */
  public Path config(Path file, String host, String bucket, String prefix, Path stateDir)
      throws Exception {
    StringBuilder sb = new StringBuilder("[DEFAULT]\n");
    sb.append("pacha.hostname = ").append(host).append('\n');
    sb.append("pacha.state.dir = ").append(stateDir).append('\n');
    for (String line : configLines(bucket, prefix)) {
      sb.append(line).append('\n');
    }
    Files.createDirectories(file.getParent());
    Files.writeString(file, sb.toString());
    return file;
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
    store.close();
  }
}
