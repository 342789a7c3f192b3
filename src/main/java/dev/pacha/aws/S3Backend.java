package dev.pacha.aws;

import dev.pacha.config.S3Settings;
import dev.pacha.transport.Backend;
import dev.pacha.transport.TransportException;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A master store in an S3 bucket ({@code s3://bucket/prefix}), or any S3-compatible server. The
 * only user of the AWS SDK's S3 client; no {@link SdkException} leaves this class.
 *
 * <p>S3 has no directories and no rename, but a PUT is atomic: an upload is buffered and becomes
 * visible only on {@link Upload#commit()}, as one PUT or, past one part, as a multipart upload that
 * commit completes and close aborts. Directories are emulated by listing with delimiter '/'.
 */
public final class S3Backend implements Backend {
  /** Multipart part size (S3's minimum is 5 MiB); a pack of at most this goes up in one PUT. */
  static final int PART_SIZE = 8 << 20;

  /** Parts in flight at once per upload; bounds memory to (this + 1) parts. */
  static final int PARALLEL_PARTS = 4;

  private static final int PAGE_SIZE = 1000;

  private final S3Client s3;
  private final AutoCloseable credentials;
  private final String bucket;
  private final String prefix;
  private final int partSize;
  private final int pageSize;
  private ExecutorService partUploads;

  S3Backend(
      S3Client s3,
      AutoCloseable credentials,
      String bucket,
      String root,
      int partSize,
      int pageSize) {
    this.s3 = s3;
    this.credentials = credentials;
    this.bucket = bucket;
    String p = root.replaceAll("^/+|/+$", "");
    this.prefix = p.isEmpty() ? "" : p + "/";
    this.partSize = partSize;
    this.pageSize = pageSize;
  }

  /**
   * Builds the client for {@code s3://bucket/root}. Credentials and (unless set) the region come
   * from the SDK's default chains; nothing is sent until the first call.
   */
  public static S3Backend open(String bucket, String root, S3Settings settings)
      throws TransportException {
    return open(bucket, root, settings, PART_SIZE, PAGE_SIZE);
  }

  static S3Backend open(String bucket, String root, S3Settings settings, int partSize, int pageSize)
      throws TransportException {
    DefaultCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
    try {
      S3ClientBuilder b =
          S3Client.builder()
              .httpClientBuilder(
                  UrlConnectionHttpClient.builder()
                      .connectionTimeout(Duration.ofSeconds(15))
                      .socketTimeout(Duration.ofSeconds(60)))
              .credentialsProvider(credentials)
              .forcePathStyle(settings.pathStyle())
              // HttpURLConnection turns an early error answer to "Expect: 100-continue" into a
              // ProtocolException that loses S3's error code; with parts of 8 MiB, waiting for
              // the 100 saves little.
              .serviceConfiguration(S3Configuration.builder().expectContinueEnabled(false).build());
      settings.region().map(Region::of).ifPresent(b::region);
      settings.endpoint().ifPresent(b::endpointOverride);
      return new S3Backend(b.build(), credentials, bucket, root, partSize, pageSize);
    } catch (SdkException e) {
      credentials.close();
      String p = root.replaceAll("^/+|/+$", "");
      throw new TransportException(
          "cannot open s3://" + bucket + (p.isEmpty() ? "" : "/" + p) + ": " + S3Errors.describe(e),
          e);
    }
  }

  @Override
  public String describe() {
    return "s3://"
        + bucket
        + (prefix.isEmpty() ? "" : "/" + prefix.substring(0, prefix.length() - 1));
  }

  private String where(String path) {
    return describe(path);
  }

  /** The object key of a store path; refuses paths that would leave the prefix. */
  private String key(String path) {
    if (path.isEmpty()) {
      return prefix;
    }
    for (String part : path.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        throw new IllegalArgumentException("not a store path: " + path);
      }
    }
    return prefix + path;
  }

  private String dirKey(String dir) {
    String k = key(dir);
    return k.isEmpty() || k.endsWith("/") ? k : k + "/";
  }

  @Override
  public List<String> list(String dir) throws IOException {
    String p = dirKey(dir);
    TreeSet<String> names = new TreeSet<>();
    try {
      for (ListObjectsV2Response page :
          s3.listObjectsV2Paginator(
              r -> r.bucket(bucket).prefix(p).delimiter("/").maxKeys(pageSize))) {
        for (CommonPrefix cp : page.commonPrefixes()) {
          String name = cp.prefix().substring(p.length());
          name = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
          if (!name.isEmpty()) {
            names.add(name);
          }
        }
        for (S3Object o : page.contents()) {
          // The key equal to the prefix is a directory marker (see mkdirs), not an entry.
          String name = o.key().substring(p.length());
          if (!name.isEmpty()) {
            names.add(name);
          }
        }
      }
    } catch (SdkException e) {
      throw S3Errors.wrap("list", where(dir), e);
    }
    return new ArrayList<>(names);
  }

  @Override
  public boolean exists(String path) throws IOException {
    try {
      s3.headObject(r -> r.bucket(bucket).key(key(path)));
      return true;
    } catch (AwsServiceException e) {
      if (e.statusCode() != 404) {
        throw S3Errors.wrap("look up", where(path), e);
      }
    } catch (SdkException e) {
      throw S3Errors.wrap("look up", where(path), e);
    }
    // Not an object: a "directory" exists when some key lies under it. A missing bucket also
    // answers HEAD with a bare 404; this listing names it.
    try {
      ListObjectsV2Response r =
          s3.listObjectsV2(b -> b.bucket(bucket).prefix(dirKey(path)).maxKeys(1));
      return !r.contents().isEmpty() || !r.commonPrefixes().isEmpty();
    } catch (SdkException e) {
      throw S3Errors.wrap("look up", where(path), e);
    }
  }

  @Override
  public InputStream read(String path, long offset) throws IOException {
    GetObjectRequest.Builder r = GetObjectRequest.builder().bucket(bucket).key(key(path));
    if (offset > 0) {
      r.range("bytes=" + offset + "-");
    }
    try {
      return new Guarded(s3.getObject(r.build()), where(path));
    } catch (AwsServiceException e) {
      if (e.statusCode() == 416) {
        // The object is shorter than offset: nothing to read there, as at the end of a file.
        return InputStream.nullInputStream();
      }
      throw S3Errors.wrap("read", where(path), e);
    } catch (SdkException e) {
      throw S3Errors.wrap("read", where(path), e);
    }
  }

  @Override
  public Upload upload(String path) throws IOException {
    return new S3Upload(key(path), where(path));
  }

  /**
   * S3 has no directories; a zero-byte marker object named {@code dir/} makes an empty one show up
   * in listings (as the S3 console's "folders" do).
   */
  @Override
  public void mkdirs(String dir) throws IOException {
    if (dir.isEmpty()) {
      return;
    }
    try {
      s3.putObject(r -> r.bucket(bucket).key(dirKey(dir)), RequestBody.empty());
    } catch (SdkException e) {
      throw S3Errors.wrap("create", where(dir) + "/", e);
    }
  }

  @Override
  public void delete(String path) throws IOException {
    try {
      s3.deleteObject(r -> r.bucket(bucket).key(key(path)));
    } catch (SdkException e) {
      throw S3Errors.wrap("delete", where(path), e);
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (partUploads != null) {
        partUploads.shutdownNow();
      }
    }
    s3.close();
    try {
      credentials.close();
    } catch (Exception e) {
      // Nothing is pending on a credentials provider.
    }
  }

  private synchronized ExecutorService partUploads() {
    if (partUploads == null) {
      partUploads =
          Executors.newFixedThreadPool(
              PARALLEL_PARTS,
              r -> {
                Thread t = new Thread(r, "pacha-s3-part");
                t.setDaemon(true);
                return t;
              });
    }
    return partUploads;
  }

  /** A GET's body; the SDK's unchecked exceptions while reading become IOExceptions. */
  private static final class Guarded extends FilterInputStream {
    private final String where;

    Guarded(InputStream in, String where) {
      super(in);
      this.where = where;
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (SdkException e) {
        throw S3Errors.wrap("read", where, e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (SdkException e) {
        throw S3Errors.wrap("read", where, e);
      }
    }

    @Override
    public long skip(long n) throws IOException {
      try {
        return super.skip(n);
      } catch (SdkException e) {
        throw S3Errors.wrap("read", where, e);
      }
    }

    @Override
    public void close() throws IOException {
      try {
        super.close();
      } catch (SdkException e) {
        throw S3Errors.wrap("read", where, e);
      }
    }
  }

  /**
   * Buffers up to one part; a small object goes up as one PUT on commit, a big one as a multipart
   * upload whose parts travel in the background (at most {@link #PARALLEL_PARTS} at once).
   */
  private final class S3Upload implements Upload {
    private final String key;
    private final String where;
    private final Semaphore inFlight = new Semaphore(PARALLEL_PARTS);
    private final List<Future<CompletedPart>> parts = new ArrayList<>();
    private byte[] buf = new byte[8192];
    private int count;
    private String uploadId;
    private boolean committed;
    private boolean closed;

    private final OutputStream out =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            if (committed || closed) {
              throw new IOException("upload of " + where + " is finished");
            }
            while (len > 0) {
              if (count == partSize) {
                sendPart();
              }
              int n = Math.min(len, partSize - count);
              if (buf.length < count + n) {
                buf = Arrays.copyOf(buf, Math.min(partSize, Math.max(buf.length * 2, count + n)));
              }
              System.arraycopy(b, off, buf, count, n);
              count += n;
              off += n;
              len -= n;
            }
          }
        };

    S3Upload(String key, String where) {
      this.key = key;
      this.where = where;
    }

    @Override
    public OutputStream stream() {
      return out;
    }

    private void sendPart() throws IOException {
      failFast();
      try {
        if (uploadId == null) {
          uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(key)).uploadId();
        }
      } catch (SdkException e) {
        throw S3Errors.wrap("write", where, e);
      }
      try {
        inFlight.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while uploading " + where);
      }
      byte[] part = buf;
      int length = count;
      int number = parts.size() + 1;
      String id = uploadId;
      buf = new byte[8192];
      count = 0;
      try {
        parts.add(
            partUploads()
                .submit(
                    () -> {
                      try {
                        String etag =
                            s3.uploadPart(
                                    r ->
                                        r.bucket(bucket)
                                            .key(key)
                                            .uploadId(id)
                                            .partNumber(number)
                                            .contentLength((long) length),
                                    RequestBody.fromInputStream(
                                        new ByteArrayInputStream(part, 0, length), length))
                                .eTag();
                        return CompletedPart.builder().partNumber(number).eTag(etag).build();
                      } finally {
                        inFlight.release();
                      }
                    }));
      } catch (RuntimeException e) {
        inFlight.release();
        throw new TransportException("cannot write " + where + ": " + e.getMessage(), e);
      }
    }

    /** Stops early when a part already failed, rather than buffering the rest for nothing. */
    private void failFast() throws IOException {
      for (Future<CompletedPart> f : parts) {
        if (f.isDone()) {
          await(f);
        }
      }
    }

    private CompletedPart await(Future<CompletedPart> f) throws IOException {
      try {
        return f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while uploading " + where);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof SdkException sdk) {
          throw S3Errors.wrap("write", where, sdk);
        }
        throw new TransportException(
            "cannot write " + where + ": " + e.getCause().getMessage(), e.getCause());
      }
    }

    @Override
    public void commit() throws IOException {
      if (committed || closed) {
        throw new IOException("upload of " + where + " is finished");
      }
      if (uploadId == null) {
        try {
          byte[] body = buf;
          int length = count;
          s3.putObject(
              r -> r.bucket(bucket).key(key).contentLength((long) length),
              RequestBody.fromInputStream(new ByteArrayInputStream(body, 0, length), length));
        } catch (SdkException e) {
          throw S3Errors.wrap("write", where, e);
        }
        committed = true;
        return;
      }
      if (count > 0) {
        sendPart();
      }
      List<CompletedPart> done = new ArrayList<>();
      for (Future<CompletedPart> f : parts) {
        done.add(await(f));
      }
      try {
        s3.completeMultipartUpload(
            r -> r.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(done)));
      } catch (SdkException e) {
        throw S3Errors.wrap("write", where, e);
      }
      committed = true;
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      buf = null;
      if (committed || uploadId == null) {
        return;
      }
      for (Future<CompletedPart> f : parts) {
        f.cancel(true);
      }
      try {
        s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
      } catch (SdkException e) {
        // Best effort: an unfinished multipart upload is never visible as an object, and a
        // bucket lifecycle rule (AbortIncompleteMultipartUpload) removes its parts.
      }
    }
  }
}
