package dev.pacha.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's file operations over SFTP: against OpenSSH's own sftp-server (the program sshd runs
 * for the sftp subsystem, here run directly over pipes, no SSH), and against a scripted peer for
 * what a real server does not do on demand (short data, refusals at a chosen request).
 */
@Timeout(60)
class SftpFilesTest {
  static final Path SFTP_SERVER = Path.of("/usr/lib/openssh/sftp-server");

  @TempDir Path tmp;
  Process server;
  AtomicLong trips = new AtomicLong();

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.destroy();
      server.waitFor();
    }
  }

  /** OpenSSH's sftp-server on pipes, serving {@code root}. */
  private SftpFiles real(Path root) throws Exception {
    if (!Files.isExecutable(SFTP_SERVER)) {
      fail(SFTP_SERVER + " is missing: install openssh-server (the README's test command does)");
    }
    server = new ProcessBuilder(SFTP_SERVER.toString()).start();
    SftpClient c =
        SftpClient.start(
            server.getInputStream(),
            server.getOutputStream(),
            trips,
            e -> new TransportException("sftp-server ended: " + e.getMessage()));
    return new SftpFiles(c, root.toString(), p -> "sftp://test" + root + "/" + p);
  }

  private static byte[] random(int n, int seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  // ---- a real server

  @Test
  void upload_fiveMegabytes_readBackWholeFromAnOffsetAndAsARange() throws Exception {
    SftpFiles f = real(tmp);
    byte[] content = random(5 << 20, 1);
    try (Backend.Upload up = f.upload("bar/packs/p.pack")) {
      OutputStream out = up.stream();
      out.write(content, 0, 1000);
      out.write(content[1000]);
      out.write(content, 1001, content.length - 1001);
      up.commit();
    }
    assertArrayEquals(content, Files.readAllBytes(tmp.resolve("bar/packs/p.pack")));
    try (InputStream in = f.read("bar/packs/p.pack", 0)) {
      assertArrayEquals(content, in.readAllBytes());
    }
    try (InputStream in = f.read("bar/packs/p.pack", 4_000_000)) {
      assertArrayEquals(
          java.util.Arrays.copyOfRange(content, 4_000_000, content.length), in.readAllBytes());
    }
    try (InputStream in = f.read("bar/packs/p.pack", 123_456, 2_000_000)) {
      assertArrayEquals(
          java.util.Arrays.copyOfRange(content, 123_456, 2_123_456), in.readAllBytes());
    }
  }

  @Test
  void read_knownRangeOfOneMegabyte_oneRoundTripAfterTheOpen() throws Exception {
    Files.write(tmp.resolve("f"), random(3 << 20, 2));
    SftpFiles f = real(tmp);
    long before = trips.get();
    try (InputStream in = f.read("f", 1 << 20, 1 << 20)) {
      assertEquals(1 << 20, in.readAllBytes().length);
    }
    assertEquals(2, trips.get() - before, "OPEN, then all 32 reads in one burst");
  }

  @Test
  void read_smallFileOfUnknownLength_twoRoundTrips() throws Exception {
    Files.writeString(tmp.resolve("latest"), "20261203T120000Z-abc\n");
    SftpFiles f = real(tmp);
    long before = trips.get();
    try (InputStream in = f.read("latest", 0)) {
      assertEquals("20261203T120000Z-abc\n", new String(in.readAllBytes()));
    }
    assertEquals(2, trips.get() - before, "OPEN, then reads whose first is short and second EOF");
  }

  @Test
  void read_pastTheEnd_isEmpty() throws Exception {
    Files.writeString(tmp.resolve("f"), "abc");
    SftpFiles f = real(tmp);
    try (InputStream in = f.read("f", 10)) {
      assertEquals(-1, in.read());
    }
  }

  @Test
  void mkdirs_threeMissingLevels_oneRoundTripThenNone() throws Exception {
    Files.createDirectories(tmp.resolve("bar"));
    SftpFiles f = real(tmp);
    long before = trips.get();
    f.mkdirs("bar/a/b/c");
    assertTrue(Files.isDirectory(tmp.resolve("bar/a/b/c")));
    assertEquals(1, trips.get() - before);
    f.mkdirs("bar/a/b");
    assertEquals(1, trips.get() - before, "known directories cost nothing");
  }

  @Test
  void mkdirs_aFileInTheWay_saysItIsNotADirectory() throws Exception {
    Files.writeString(tmp.resolve("bar"), "a file");
    SftpFiles f = real(tmp);
    TransportException e = assertThrows(TransportException.class, () -> f.mkdirs("bar/packs"));
    assertTrue(e.getMessage().contains("is not a directory"), e.getMessage());
  }

  @Test
  void list_1000Names_allSortedWithoutDotEntries() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("packs"));
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      String name = String.format("p%04d.idx", i);
      Files.writeString(dir.resolve(name), "");
      expected.add(name);
    }
    SftpFiles f = real(tmp);
    assertEquals(expected, f.list("packs"));
    assertEquals(List.of(), f.list("missing"));
  }

  @Test
  void upload_commitReplacesAndClosedWithoutCommitLeavesNothing() throws Exception {
    Files.writeString(tmp.resolve("latest"), "old\n");
    SftpFiles f = real(tmp);
    try (Backend.Upload up = f.upload("latest")) {
      up.stream().write("new\n".getBytes());
    }
    assertEquals("old\n", Files.readString(tmp.resolve("latest")));
    try (Backend.Upload up = f.upload("latest")) {
      up.stream().write("new\n".getBytes());
      up.commit();
    }
    assertEquals("new\n", Files.readString(tmp.resolve("latest")));
    // The abandoned upload's temporary file is removed by a request nobody waits for: the next
    // request, answered in order after it, shows it done.
    assertTrue(f.exists("latest"));
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(List.of(tmp.resolve("latest")), s.toList());
    }
  }

  @Test
  void existsAndDelete_missingFile_falseAndNotAnError() throws Exception {
    Files.writeString(tmp.resolve("f"), "x");
    SftpFiles f = real(tmp);
    assertTrue(f.exists("f"));
    f.delete("f");
    assertFalse(f.exists("f"));
    f.delete("f");
    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> f.read("f", 0));
    assertEquals("sftp://test" + tmp + "/f", e.getMessage());
  }

  // ---- a scripted peer

  private SftpFiles scripted(ScriptedSftpPeer peer, Map<String, String> extensions)
      throws Exception {
    return new SftpFiles(peer.client(extensions, trips), "/srv", p -> "sftp://stub/srv/" + p);
  }

  /** Serves one file's READs until its CLOSE; returns the (offset, length) asked for. */
  private static List<long[]> serveFile(
      ScriptedSftpPeer peer, byte[] content, long shortAtOffset, int shortLength)
      throws IOException {
    List<long[]> reads = new ArrayList<>();
    ScriptedSftpPeer.Request open = peer.next();
    assertEquals(SftpPacket.OPEN, open.type());
    peer.handle(open.id(), "h1");
    while (true) {
      ScriptedSftpPeer.Request r = peer.next();
      if (r.type() == SftpPacket.CLOSE) {
        peer.status(r.id(), SftpPacket.FX_OK, "");
        return reads;
      }
      assertEquals(SftpPacket.READ, r.type());
      SftpPacket.Reply q = r.reader();
      q.getString();
      long offset = q.getLong();
      int length = q.getInt();
      reads.add(new long[] {offset, length});
      if (offset >= content.length) {
        peer.status(r.id(), SftpPacket.FX_EOF, "End of file");
        continue;
      }
      int n = (int) Math.min(length, content.length - offset);
      if (offset == shortAtOffset && reads.stream().filter(x -> x[0] == offset).count() == 1) {
        n = Math.min(n, shortLength);
      }
      peer.data(r.id(), java.util.Arrays.copyOfRange(content, (int) offset, (int) offset + n));
    }
  }

  private static CompletableFuture<byte[]> readAsync(SftpFiles f, String path, long offset) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (InputStream in = f.read(path, offset)) {
            return in.readAllBytes();
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  @Test
  void read_shortReplyMidFile_restAskedForAgainBeforeWhatFollows() throws Exception {
    byte[] content = random(100_000, 3);
    try (ScriptedSftpPeer peer = new ScriptedSftpPeer()) {
      SftpFiles f = scripted(peer, Map.of());
      CompletableFuture<byte[]> got = readAsync(f, "pack", 0);
      List<long[]> reads = serveFile(peer, content, 32_768, 1000);
      assertArrayEquals(content, got.get());
      assertTrue(
          reads.stream().anyMatch(r -> r[0] == 33_768 && r[1] == 31_768),
          "the missing 31,768 bytes were asked for again");
    }
  }

  @Test
  void read_shortReplyThenEndOfFile_endsWithoutAnotherRequest() throws Exception {
    byte[] content = random(1000, 4);
    try (ScriptedSftpPeer peer = new ScriptedSftpPeer()) {
      SftpFiles f = scripted(peer, Map.of());
      CompletableFuture<byte[]> got = readAsync(f, "latest", 0);
      List<long[]> reads = serveFile(peer, content, -1, 0);
      assertArrayEquals(content, got.get());
      assertEquals(SftpFiles.FIRST_WINDOW, reads.size(), "only the first burst of reads");
      assertTrue(reads.stream().noneMatch(r -> r[0] == 1000), "no request for the rest");
    }
  }

  @Test
  void read_range_asksForNothingPastItsEnd() throws Exception {
    byte[] content = random(200_000, 5);
    try (ScriptedSftpPeer peer = new ScriptedSftpPeer()) {
      SftpFiles f = scripted(peer, Map.of());
      CompletableFuture<byte[]> got =
          CompletableFuture.supplyAsync(
              () -> {
                try (InputStream in = f.read("pack", 40_000, 50_000)) {
                  return in.readAllBytes();
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      List<long[]> reads = serveFile(peer, content, -1, 0);
      assertArrayEquals(java.util.Arrays.copyOfRange(content, 40_000, 90_000), got.get());
      assertEquals(2, reads.size());
      assertEquals(40_000 + 32_768, reads.get(1)[0]);
      assertEquals(50_000 - 32_768, reads.get(1)[1]);
    }
  }

  @Test
  void open_deniedOrMissing_accessDeniedOrNoSuchFileNamingThePath() throws Exception {
    try (ScriptedSftpPeer peer = new ScriptedSftpPeer()) {
      SftpFiles f = scripted(peer, Map.of());
      CompletableFuture<Void> serve =
          CompletableFuture.runAsync(
              () -> {
                try {
                  peer.status(
                      peer.next().id(), SftpPacket.FX_PERMISSION_DENIED, "Permission denied");
                  peer.status(peer.next().id(), SftpPacket.FX_NO_SUCH_FILE, "No such file");
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      AccessDeniedException denied =
          assertThrows(AccessDeniedException.class, () -> f.read("bar/latest", 0));
      assertEquals("sftp://stub/srv/bar/latest", denied.getFile());
      assertEquals("the master denied read", denied.getReason());
      NoSuchFileException missing =
          assertThrows(NoSuchFileException.class, () -> f.read("bar/latest", 0));
      assertEquals("sftp://stub/srv/bar/latest", missing.getMessage());
      serve.get();
    }
  }

  @Test
  void delete_serverFails_oneLineWithItsWordsAndNoCode() throws Exception {
    try (ScriptedSftpPeer peer = new ScriptedSftpPeer()) {
      SftpFiles f = scripted(peer, Map.of());
      CompletableFuture<Void> serve =
          CompletableFuture.runAsync(
              () -> {
                try {
                  peer.status(peer.next().id(), SftpPacket.FX_FAILURE, "Failure");
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      TransportException e = assertThrows(TransportException.class, () -> f.delete("bar/x"));
      assertEquals(
          "the master failed to delete sftp://stub/srv/bar/x (it said: Failure)", e.getMessage());
      assertFalse(e.getMessage().matches(".*(SSH_FX|code \\d).*"));
      serve.get();
    }
  }

  @Test
  void upload_aWriteRefused_neverRenamedAndTheTemporaryFileRemoved() throws Exception {
    try (ScriptedSftpPeer peer = new ScriptedSftpPeer()) {
      SftpFiles f =
          scripted(peer, Map.of("posix-rename@openssh.com", "1", "fsync@openssh.com", "1"));
      List<Byte> types = new ArrayList<>();
      List<String> extended = new ArrayList<>();
      List<String> removed = new ArrayList<>();
      CompletableFuture<Void> serve =
          CompletableFuture.runAsync(
              () -> {
                try {
                  int writes = 0;
                  while (true) {
                    ScriptedSftpPeer.Request r = peer.next();
                    types.add(r.type());
                    switch (r.type()) {
                      case SftpPacket.MKDIR ->
                          peer.status(r.id(), SftpPacket.FX_FAILURE, "Failure");
                      case SftpPacket.STAT -> peer.attrs(r.id(), SftpPacket.S_IFDIR | 0755);
                      case SftpPacket.OPEN -> peer.handle(r.id(), "h");
                      case SftpPacket.EXTENDED -> {
                        extended.add(r.reader().getUtf8());
                        peer.status(r.id(), SftpPacket.FX_OK, "");
                      }
                      case SftpPacket.WRITE ->
                          peer.status(
                              r.id(),
                              ++writes == 2 ? SftpPacket.FX_FAILURE : SftpPacket.FX_OK,
                              writes == 2 ? "No space left on device" : "");
                      case SftpPacket.REMOVE -> {
                        removed.add(r.reader().getUtf8());
                        peer.status(r.id(), SftpPacket.FX_OK, "");
                        return;
                      }
                      default -> peer.status(r.id(), SftpPacket.FX_OK, "");
                    }
                  }
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      TransportException e;
      try (Backend.Upload up = f.upload("bar/packs/p.pack")) {
        up.stream().write(random(100_000, 6));
        e = assertThrows(TransportException.class, up::commit);
      }
      serve.get();
      assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
      assertFalse(types.contains(SftpPacket.RENAME));
      assertFalse(extended.contains("posix-rename@openssh.com"), "renamed: " + extended);
      assertEquals(1, removed.size());
      assertTrue(removed.get(0).startsWith("/srv/bar/packs/.p.pack.tmp-"), removed.get(0));
    }
  }
}
