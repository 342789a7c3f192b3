package dev.pacha.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pacha.testing.IamPolicy;
import dev.pacha.testing.PachaCli;
import dev.pacha.testing.S3Server;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.S3Exceptions;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * The README's S3 recipe for an append-only master: a host's policy without s3:DeleteObject and
 * without writes to its hooks. s3proxy serves the bucket through a store that refuses every delete
 * and every hook write, as such a policy would, and records every request; pacha pushes twice and a
 * new machine rebuilds with a hook, and each request it made is one the README's policy allows (the
 * tests' IAM evaluator).
 */
class S3AppendOnlyIT {
  static final String BUCKET = "fleet";
  static final String PREFIX = "pacha/hosts";
  static final String HOST = "bar";

  static S3Server server;
  static final List<Request> requests = Collections.synchronizedList(new ArrayList<>());

  @TempDir Path tmp;

  /** One S3 request as IAM sees it. */
  record Request(String action, String resource, Map<String, String> context) {}

  @BeforeAll
  static void start() throws Exception {
    S3Server.useTestCredentials();
    server = S3Server.start(AppendOnlyPolicy::new);
    server.createBucket(BUCKET);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  /** The README's policy for a host, with this test's bucket, prefix and host. */
  static IamPolicy readmePolicy() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    String section = readme.substring(readme.indexOf("## Append-only masters"));
    section = section.substring(section.indexOf("### S3"));
    String json = section.substring(section.indexOf("```json\n") + 8);
    json = json.substring(0, json.indexOf("```"));
    json = json.replace("BUCKET", BUCKET).replace("PREFIX", PREFIX).replace("HOST", HOST);
    List<Map<String, Object>> statements = new ArrayList<>();
    for (JsonNode st : new ObjectMapper().readTree(json).get("Statement")) {
      Map<String, Object> s = new HashMap<>();
      s.put("effect", st.get("Effect").asText());
      s.put("actions", strings(st.get("Action")));
      s.put("resources", strings(st.get("Resource")));
      List<Map<String, Object>> conditions = new ArrayList<>();
      if (st.has("Condition")) {
        st.get("Condition")
            .fields()
            .forEachRemaining(
                test ->
                    test.getValue()
                        .fields()
                        .forEachRemaining(
                            v ->
                                conditions.add(
                                    Map.of(
                                        "test", test.getKey(),
                                        "variable", v.getKey(),
                                        "values", strings(v.getValue())))));
      }
      s.put("condition", conditions);
      statements.add(s);
    }
    return new IamPolicy(statements);
  }

  private static List<String> strings(JsonNode n) {
    List<String> out = new ArrayList<>();
    if (n.isArray()) {
      n.forEach(e -> out.add(e.asText()));
    } else {
      out.add(n.asText());
    }
    return out;
  }

  @Test
  void readmePolicy_isAppendOnly() throws Exception {
    IamPolicy p = readmePolicy();
    String objects = "arn:aws:s3:::" + BUCKET + "/" + PREFIX + "/" + HOST + "/";
    assertTrue(p.allows("s3:PutObject", objects + "packs/ab.pack"));
    assertTrue(p.allows("s3:GetObject", objects + "pacha_pre/10-users"));
    assertFalse(p.allows("s3:DeleteObject", objects + "packs/ab.pack"));
    assertFalse(p.allows("s3:DeleteObjectVersion", objects + "packs/ab.pack"));
    assertFalse(p.allows("s3:PutObject", objects + "pacha_pre/00-persist"));
    assertFalse(p.allows("s3:PutObject", objects + "hooks.json"));
    assertFalse(p.allows("s3:PutObject", "arn:aws:s3:::" + BUCKET + "/" + PREFIX + "/baz/x"));
  }

  @Test
  void pushTwiceAndRebuild_behindAPolicyWithoutDeleteObject_workAndAskOnlyWhatThePolicyAllows()
      throws Exception {
    PachaCli pacha = new PachaCli(tmp);
    Path sandbox = tmp.resolve("sandbox");
    Path foo = Files.createDirectories(sandbox.resolve("opt/foo"));
    Files.writeString(foo.resolve("app.conf"), "port = 8080\n");
    // A file above the multipart threshold (8 MiB), so a multipart upload is covered too.
    Files.write(foo.resolve("data.bin"), new byte[9 << 20]);
    Path conf =
        server.config(tmp.resolve("bar.conf"), HOST, BUCKET, "/" + PREFIX, tmp.resolve("state"));
    requests.clear();
    run(pacha, conf, "watch", "--target-root", sandbox.toString(), foo.toString());
    Files.writeString(foo.resolve("app.conf"), "port = 9090\n");
    run(pacha, conf, "push");
    run(pacha, conf, "verify", HOST);

    // The operator's hook, written with the operator's rights (the store itself).
    String hookKey = PREFIX + "/" + HOST + "/pacha_pre/10-mark";
    Path ran = tmp.resolve("hook-ran");
    byte[] hook =
        ("#!/bin/sh\necho \"$PACHA_PHASE\" > " + ran + "\n").getBytes(StandardCharsets.UTF_8);
    server
        .store()
        .putBlob(
            PutObjectRequest.builder()
                .bucket(BUCKET)
                .key(hookKey)
                .contentLength((long) hook.length)
                .build(),
            new ByteArrayInputStream(hook));

    Path target = Files.createDirectories(tmp.resolve("new-machine"));
    Path fresh =
        server.config(tmp.resolve("fresh.conf"), HOST, BUCKET, "/" + PREFIX, tmp.resolve("fresh"));
    run(
        new PachaCli(tmp.resolve("f")),
        fresh,
        "rebuild",
        HOST,
        "--yes",
        "--target-root",
        target.toString());
    assertEquals("port = 9090\n", Files.readString(target.resolve("opt/foo/app.conf")));
    assertEquals("pre\n", Files.readString(ran));

    IamPolicy policy = readmePolicy();
    List<Request> seen;
    synchronized (requests) {
      seen = List.copyOf(requests);
    }
    assertTrue(seen.stream().anyMatch(r -> r.action().equals("s3:PutObject")), seen.toString());
    assertFalse(
        seen.stream().anyMatch(r -> r.action().startsWith("s3:DeleteObject")),
        "push and rebuild never delete: " + seen);
    Map<String, Request> notAllowed = new LinkedHashMap<>();
    for (Request r : seen) {
      if (!policy.allows(r.action(), r.resource(), r.context())) {
        notAllowed.put(r.action() + " " + r.resource(), r);
      }
    }
    assertEquals(Map.of(), notAllowed, "requests the README's policy does not allow");
  }

  @Test
  void hostsCredentials_hooksPushOrDelete_areRefusedByThePolicyStore() throws Exception {
    PachaCli pacha = new PachaCli(tmp);
    Path conf =
        server.config(tmp.resolve("bar.conf"), HOST, BUCKET, "/" + PREFIX, tmp.resolve("state"));
    Path pre = Files.createDirectories(tmp.resolve("pre"));
    Files.writeString(pre.resolve("00-persist"), "#!/bin/sh\n");
    PachaCli.Run r =
        pacha.run("--config", conf.toString(), "hooks", "push", HOST, "--pre", pre.toString());
    assertEquals(3, r.code(), r.toString());
    assertEquals(1, r.err().strip().lines().count(), r.toString());
    assertFalse(server.store().blobExists(BUCKET, PREFIX + "/" + HOST + "/pacha_pre/00-persist"));
  }

  private static PachaCli.Run run(PachaCli pacha, Path conf, String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--config";
    all[1] = conf.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    PachaCli.Run r = pacha.run(all);
    assertEquals(0, r.code(), () -> r + "\nrequests: " + requests);
    return r;
  }

  /**
   * What a host's credentials under the README's policy get from S3: no delete, no hook write, each
   * refused with AccessDenied; everything else served and recorded as IAM sees it.
   */
  static final class AppendOnlyPolicy extends ForwardingBlobStore {
    AppendOnlyPolicy(BlobStore store) {
      super(store);
    }

    /** s3proxy's own bookkeeping of multipart uploads, which it keeps through this store. */
    private static boolean internal(String key) {
      return key != null && key.startsWith(".s3proxy-");
    }

    private static void record(String action, String bucket, String key) {
      if (!internal(key)) {
        requests.add(new Request(action, "arn:aws:s3:::" + bucket + "/" + key, Map.of()));
      }
    }

    private static boolean isHook(String key) {
      String rel =
          key.startsWith(PREFIX + "/" + HOST + "/")
              ? key.substring(PREFIX.length() + HOST.length() + 2)
              : key;
      return rel.startsWith("pacha_pre/")
          || rel.startsWith("pacha_post/")
          || rel.startsWith("pre_pacha/")
          || rel.startsWith("post_pacha/")
          || rel.startsWith("hooks.json");
    }

    private static RuntimeException denied() {
      return S3Exceptions.fromStatusCode(403);
    }

    @Override
    public ListObjectsV2Response list(ListObjectsV2Request request) {
      requests.add(
          new Request(
              "s3:ListBucket",
              "arn:aws:s3:::" + request.bucket(),
              Map.of("s3:prefix", request.prefix() == null ? "" : request.prefix())));
      return super.list(request);
    }

    @Override
    public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest request) {
      record("s3:GetObject", request.bucket(), request.key());
      return super.getBlob(request);
    }

    @Override
    public HeadObjectResponse blobMetadata(HeadObjectRequest request) {
      record("s3:GetObject", request.bucket(), request.key());
      return super.blobMetadata(request);
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream in) {
      record("s3:PutObject", request.bucket(), request.key());
      if (isHook(request.key())) {
        throw denied();
      }
      return super.putBlob(request, in);
    }

    @Override
    public CopyObjectResponse copyBlob(CopyObjectRequest request) {
      record("s3:PutObject", request.destinationBucket(), request.destinationKey());
      throw denied();
    }

    @Override
    public MultipartUpload initiateMultipartUpload(CreateMultipartUploadRequest request) {
      record("s3:PutObject", request.bucket(), request.key());
      if (isHook(request.key())) {
        throw denied();
      }
      return super.initiateMultipartUpload(request);
    }

    @Override
    public UploadPartResponse uploadMultipartPart(
        MultipartUpload upload, UploadPartRequest request, InputStream in) {
      record("s3:PutObject", request.bucket(), request.key());
      return super.uploadMultipartPart(upload, request, in);
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(
        MultipartUpload upload, CompleteMultipartUploadRequest request) {
      record("s3:PutObject", request.bucket(), request.key());
      return super.completeMultipartUpload(upload, request);
    }

    @Override
    public void abortMultipartUpload(MultipartUpload upload) {
      record("s3:AbortMultipartUpload", upload.containerName(), upload.blobName());
      super.abortMultipartUpload(upload);
    }

    @Override
    public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
      if (internal(request.key())) {
        return super.removeBlob(request);
      }
      record("s3:DeleteObject", request.bucket(), request.key());
      throw denied();
    }

    @Override
    public DeleteObjectsResponse removeBlobs(DeleteObjectsRequest request) {
      record("s3:DeleteObject", request.bucket(), "*");
      throw denied();
    }
  }
}
