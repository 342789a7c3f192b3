package dev.pacha.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The SFTP codec and its pipelining, against a scripted peer: many requests in flight, replies in
 * any order, packets that arrive a byte at a time, a stream that ends. (A hang would mean a request
 * waited for a reply it should not have: the timeouts only stop such a run.)
 */
@Timeout(60)
class SftpClientTest {

  @Test
  void start_versionWithExtensions_extensionsKnown() throws Exception {
    try (ScriptedSftpPeer peer = new ScriptedSftpPeer()) {
      SftpClient c =
          peer.client(Map.of("posix-rename@openssh.com", "1", "fsync@openssh.com", "1"), counter());
      assertTrue(c.supports("posix-rename@openssh.com"));
      assertTrue(c.supports("fsync@openssh.com"));
      assertFalse(c.supports("limits@openssh.com"));
      c.close();
    }
  }

  @Test
  void send_64RequestsBeforeAnyReply_allInFlightAtOnceOneRoundTripRepliesInReverse()
      throws Exception {
    AtomicLong trips = counter();
    try (ScriptedSftpPeer peer = new ScriptedSftpPeer()) {
      SftpClient c = peer.client(Map.of(), trips);
      long afterHello = trips.get();
      List<CompletableFuture<SftpPacket.Reply>> replies = new ArrayList<>();
      List<Integer> ids = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        int id = c.nextId();
        ids.add(id);
        replies.add(
            c.send(
                id,
                SftpPacket.Builder.request(SftpPacket.STAT, id).putString("/f" + i).bytes(),
                i == 63));
      }
      // The peer reads all 64 before it answers any: had the client waited after one, this
      // would block.
      List<ScriptedSftpPeer.Request> got = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        got.add(peer.next());
      }
      for (int i = 63; i >= 0; i--) {
        peer.data(got.get(i).id(), ("reply to /f" + i).getBytes());
      }
      for (int i = 0; i < 64; i++) {
        SftpPacket.Reply r = SftpClient.await(replies.get(i));
        assertEquals(ids.get(i), r.id);
        assertEquals("reply to /f" + i, ScriptedSftpPeer.utf8(r.getString()));
      }
      assertEquals(1, trips.get() - afterHello, "one burst, one round trip");
      assertEquals(64, c.requests());
      c.close();
    }
  }

  @Test
  void send_afterEachReply_eachCountsAsARoundTrip() throws Exception {
    AtomicLong trips = counter();
    try (ScriptedSftpPeer peer = new ScriptedSftpPeer()) {
      SftpClient c = peer.client(Map.of(), trips);
      long before = trips.get();
      for (int i = 0; i < 3; i++) {
        int id = c.nextId();
        CompletableFuture<SftpPacket.Reply> f =
            c.send(
                id, SftpPacket.Builder.request(SftpPacket.LSTAT, id).putString("/x").bytes(), true);
        peer.status(peer.next().id(), SftpPacket.FX_OK, "");
        SftpClient.await(f);
      }
      assertEquals(3, trips.get() - before);
      c.close();
    }
  }

  @Test
  void detached_closeNotWaitedFor_isNotARoundTrip() throws Exception {
    AtomicLong trips = counter();
    try (ScriptedSftpPeer peer = new ScriptedSftpPeer()) {
      SftpClient c = peer.client(Map.of(), trips);
      long before = trips.get();
      int close = c.nextId();
      c.sendDetached(
          close, SftpPacket.Builder.request(SftpPacket.CLOSE, close).putString("h").bytes());
      int stat = c.nextId();
      CompletableFuture<SftpPacket.Reply> f =
          c.send(
              stat,
              SftpPacket.Builder.request(SftpPacket.STAT, stat).putString("/y").bytes(),
              true);
      assertEquals(SftpPacket.CLOSE, peer.next().type());
      peer.status(close, SftpPacket.FX_OK, "");
      peer.status(peer.next().id(), SftpPacket.FX_NO_SUCH_FILE, "No such file");
      SftpPacket.Reply r = SftpClient.await(f);
      assertEquals(SftpPacket.STATUS, r.type);
      assertEquals(SftpPacket.FX_NO_SUCH_FILE, r.getInt());
      assertEquals(1, trips.get() - before, "the STAT, not the CLOSE before it");
      c.close();
    }
  }

  @Test
  void stream_endsWithRequestsInFlight_eachFailsWithTheExplanation() throws Exception {
    try (ScriptedSftpPeer peer = new ScriptedSftpPeer()) {
      SftpClient c = peer.client(Map.of(), counter());
      List<CompletableFuture<SftpPacket.Reply>> waiting = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        int id = c.nextId();
        waiting.add(
            c.send(
                id, SftpPacket.Builder.request(SftpPacket.STAT, id).putString("/").bytes(), true));
      }
      peer.next();
      peer.hangUp();
      for (CompletableFuture<SftpPacket.Reply> f : waiting) {
        TransportException e = assertThrows(TransportException.class, () -> SftpClient.await(f));
        assertTrue(e.getMessage().startsWith("the stub ended"), e.getMessage());
      }
      assertFalse(c.isOpen());
      int id = c.nextId();
      CompletableFuture<SftpPacket.Reply> later =
          c.send(id, SftpPacket.Builder.request(SftpPacket.STAT, id).putString("/").bytes(), true);
      assertThrows(TransportException.class, () -> SftpClient.await(later));
    }
  }

  @Test
  void reply_toARequestNeverSent_endsTheConnection() throws Exception {
    try (ScriptedSftpPeer peer = new ScriptedSftpPeer()) {
      SftpClient c = peer.client(Map.of(), counter());
      int id = c.nextId();
      CompletableFuture<SftpPacket.Reply> f =
          c.send(id, SftpPacket.Builder.request(SftpPacket.STAT, id).putString("/").bytes(), true);
      peer.next();
      peer.status(id + 1000, SftpPacket.FX_OK, "");
      TransportException e = assertThrows(TransportException.class, () -> SftpClient.await(f));
      assertTrue(e.getMessage().contains("which pacha did not send"), e.getMessage());
    }
  }

  @Test
  void read_bytesArriveOneAtATime_eachPacketWhole() throws Exception {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    byte[] big = new byte[70_000];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31);
    }
    wire.write(SftpPacket.Builder.request(SftpPacket.DATA, 7).putString(big).bytes());
    wire.write(
        SftpPacket.Builder.request(SftpPacket.STATUS, 8)
            .putInt(SftpPacket.FX_EOF)
            .putString("End of file")
            .putString("")
            .bytes());
    InputStream trickle = new OneByteAtATime(new ByteArrayInputStream(wire.toByteArray()));
    SftpPacket.Reply first = SftpPacket.read(trickle);
    assertEquals(SftpPacket.DATA, first.type);
    assertEquals(7, first.id);
    assertArrayEquals(big, first.getString());
    SftpPacket.Reply second = SftpPacket.read(trickle);
    assertEquals(8, second.id);
    assertEquals(SftpPacket.FX_EOF, second.getInt());
    assertEquals("End of file", second.getUtf8());
    EOFException end = assertThrows(EOFException.class, () -> SftpPacket.read(trickle));
    assertEquals("the SFTP stream ended", end.getMessage());
  }

  @Test
  void read_streamEndsInsideAPacket_saysSo() {
    byte[] packet = SftpPacket.Builder.request(SftpPacket.DATA, 1).putString(new byte[100]).bytes();
    InputStream cut = new ByteArrayInputStream(java.util.Arrays.copyOf(packet, 50));
    EOFException e = assertThrows(EOFException.class, () -> SftpPacket.read(cut));
    assertTrue(e.getMessage().contains("middle of a packet"));
  }

  @Test
  void start_textInsteadOfSftp_namesTheLikelyCause() throws Exception {
    // What a login script that prints a greeting does to the stream.
    InputStream text = new ByteArrayInputStream("Welcome to master!\n".getBytes());
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                SftpClient.start(
                    text,
                    new ByteArrayOutputStream(),
                    counter(),
                    t -> new TransportException("x")));
    assertTrue(e.getMessage().contains("login script"), e.getMessage());
  }

  @Test
  void reply_cutShort_isAProtocolError() throws Exception {
    byte[] packet = SftpPacket.Builder.request(SftpPacket.STATUS, 3).putInt(0).bytes();
    SftpPacket.Reply r = SftpPacket.read(new ByteArrayInputStream(packet));
    assertEquals(0, r.getInt());
    assertThrows(SftpPacket.SftpProtocolException.class, r::getUtf8);
  }

  private static AtomicLong counter() {
    return new AtomicLong();
  }

  /** A pipe that hands over one byte per read, as a busy one may. */
  static final class OneByteAtATime extends FilterInputStream {
    OneByteAtATime(InputStream in) {
      super(in);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return super.read(b, off, Math.min(len, 1));
    }
  }
}
