package dev.pacha.aws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.config.S3Settings;
import dev.pacha.testing.S3Server;
import dev.pacha.transport.Backend;
import dev.pacha.transport.TransportException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What only the S3 backend has: multipart uploads, paginated listings, AWS error codes. */
class S3BackendIT {
  static S3Server server;
  static int bucketCount;

  @BeforeAll
  static void start() throws Exception {
    S3Server.useTestCredentials();
    server = S3Server.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static S3Settings settings() {
    return new S3Settings(Optional.of(server.endpoint()), Optional.of(S3Server.REGION), true);
  }

  private static String newBucket() {
    String name = "it-" + ++bucketCount;
    server.createBucket(name);
    return name;
  }

  private static byte[] random(int size) {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return b;
  }

  @Test
  void upload_largerThanThreeParts_completesAsOneObject() throws Exception {
    byte[] data = random((5 << 20) * 3 + 12345);
    try (Backend b = S3Backend.open(newBucket(), "/p", settings(), 5 << 20, 1000)) {
      try (Backend.Upload up = b.upload("bar/packs/big.pack")) {
        for (int off = 0; off < data.length; off += 65536) {
          up.stream().write(data, off, Math.min(65536, data.length - off));
        }
        assertEquals(List.of(), b.list("bar/packs"), "nothing visible before commit");
        up.commit();
      }
      assertArrayEquals(data, b.readAll("bar/packs/big.pack"));
      long offset = (5 << 20) + 7;
      try (InputStream in = b.read("bar/packs/big.pack", offset)) {
        assertArrayEquals(Arrays.copyOfRange(data, (int) offset, data.length), in.readAllBytes());
      }
    }
  }

  @Test
  void upload_multipartClosedWithoutCommit_leavesNoObjectAndNoUpload() throws Exception {
    String bucket = newBucket();
    try (Backend b = S3Backend.open(bucket, "/", settings(), 5 << 20, 1000)) {
      try (Backend.Upload up = b.upload("bar/packs/cut.pack")) {
        up.stream().write(random((5 << 20) + 10));
      }
      assertFalse(b.exists("bar/packs/cut.pack"));
      assertEquals(List.of(), b.list("bar/packs"));
    }
    try (software.amazon.awssdk.services.s3.S3Client s3 = client()) {
      assertEquals(List.of(), s3.listMultipartUploads(r -> r.bucket(bucket)).uploads());
    }
  }

  private static software.amazon.awssdk.services.s3.S3Client client() {
    return software.amazon.awssdk.services.s3.S3Client.builder()
        .httpClientBuilder(
            software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder())
        .endpointOverride(server.endpoint())
        .region(software.amazon.awssdk.regions.Region.US_EAST_1)
        .forcePathStyle(true)
        .build();
  }

  @Test
  void list_moreNamesThanOnePage_followsEveryPage() throws Exception {
    try (Backend b = S3Backend.open(newBucket(), "/hosts", settings(), 5 << 20, 2)) {
      for (String name : List.of("e", "a", "d", "c", "b")) {
        b.put("bar/snapshots/" + name, name.getBytes());
      }
      b.put("bar/snapshots/sub/x", new byte[] {1});
      assertEquals(List.of("a", "b", "c", "d", "e", "sub"), b.list("bar/snapshots"));
    }
  }

  @Test
  void read_missingBucket_isUnreachableWithTheAwsErrorCode() throws Exception {
    try (Backend b = S3Backend.open("no-such-bucket", "/p", settings())) {
      TransportException e = assertThrows(TransportException.class, () -> b.readAll("bar/latest"));
      assertEquals(
          "cannot read s3://no-such-bucket/p/bar/latest: NoSuchBucket: The specified bucket does"
              + " not exist (check the bucket in pacha.master.url)",
          e.getMessage());
      TransportException l = assertThrows(TransportException.class, () -> b.exists("bar"));
      assertTrue(l.getMessage().contains("NoSuchBucket"), l.getMessage());
    }
  }

  @Test
  void list_wrongSecret_isUnreachableNamingTheCredentials() throws Exception {
    String bucket = newBucket();
    System.setProperty("aws.secretAccessKey", "wrong");
    try (Backend b = S3Backend.open(bucket, "/p", settings())) {
      TransportException e = assertThrows(TransportException.class, () -> b.list("bar"));
      assertTrue(
          e.getMessage().startsWith("cannot list s3://" + bucket + "/p/bar: "), e.getMessage());
      assertTrue(e.getMessage().contains("SignatureDoesNotMatch"), e.getMessage());
      assertTrue(e.getMessage().contains("check the AWS credentials"), e.getMessage());
    } finally {
      S3Server.useTestCredentials();
    }
  }
}
