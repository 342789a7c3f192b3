package dev.pacha.transport;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stub SFTP server in the test JVM, driven step by step by the test: it stands in where no real
 * server misbehaves on demand (replies out of order, data cut short, a status for a chosen
 * request). The client talks to it over two pipes, as it talks to ssh.
 */
final class ScriptedSftpPeer implements AutoCloseable {
  private final DataInputStream requests;
  private final OutputStream replies;

  /** The client's ends: what it reads, what it writes. */
  final InputStream clientIn;

  final OutputStream clientOut;

  ScriptedSftpPeer() throws IOException {
    Pipe toClient = Pipe.open();
    Pipe toPeer = Pipe.open();
    clientIn = Channels.newInputStream(toClient.source());
    replies = Channels.newOutputStream(toClient.sink());
    clientOut = Channels.newOutputStream(toPeer.sink());
    requests = new DataInputStream(Channels.newInputStream(toPeer.source()));
  }

  /** One request as the client sent it. */
  record Request(byte type, int id, byte[] body) {
    SftpPacket.Reply reader() {
      return new SftpPacket.Reply(type, id, body, 0);
    }
  }

  /** Starts a client on this peer; the peer answers its greeting with these extensions. */
  SftpClient client(Map<String, String> extensions, AtomicLong roundTrips) throws Exception {
    CompletableFuture<SftpClient> c =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return SftpClient.start(
                    clientIn,
                    clientOut,
                    roundTrips,
                    cause -> new TransportException("the stub ended: " + cause.getMessage()));
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    int length = requests.readInt();
    byte type = requests.readByte();
    int version = requests.readInt();
    if (length != 5 || type != SftpPacket.INIT || version != 3) {
      throw new AssertionError("not an SFTP v3 INIT: " + length + " " + type + " " + version);
    }
    SftpPacket.Builder hello = new SftpPacket.Builder(SftpPacket.VERSION_REPLY, 64).putInt(3);
    extensions.forEach((k, v) -> hello.putString(k).putString(v));
    send(hello.bytes());
    return c.get();
  }

  /** The next request the client sent (blocks until there is one). */
  Request next() throws IOException {
    int length = requests.readInt();
    byte[] b = new byte[length];
    requests.readFully(b);
    int id = ((b[1] & 0xff) << 24) | ((b[2] & 0xff) << 16) | ((b[3] & 0xff) << 8) | (b[4] & 0xff);
    return new Request(b[0], id, Arrays.copyOfRange(b, 5, b.length));
  }

  void send(byte[] packet) throws IOException {
    replies.write(packet);
    replies.flush();
  }

  void status(int id, int code, String message) throws IOException {
    send(
        SftpPacket.Builder.request(SftpPacket.STATUS, id)
            .putInt(code)
            .putString(message)
            .putString("")
            .bytes());
  }

  void handle(int id, String handle) throws IOException {
    send(SftpPacket.Builder.request(SftpPacket.HANDLE, id).putString(handle).bytes());
  }

  void data(int id, byte[] data) throws IOException {
    send(SftpPacket.Builder.request(SftpPacket.DATA, id).putString(data).bytes());
  }

  void attrs(int id, int permissions) throws IOException {
    send(
        SftpPacket.Builder.request(SftpPacket.ATTRS, id)
            .putInt(SftpPacket.ATTR_PERMISSIONS)
            .putInt(permissions)
            .bytes());
  }

  /** Ends the peer's side: the client sees its stream end. */
  void hangUp() throws IOException {
    replies.close();
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    replies.close();
    requests.close();
  }
}
