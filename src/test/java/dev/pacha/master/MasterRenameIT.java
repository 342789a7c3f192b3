package dev.pacha.master;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pacha.transport.Backend;
import dev.pacha.transport.SftpBackend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client uploads to a temp name and renames it over the old file; on the embedded master that
 * rename must replace the file (JSch uses posix-rename@openssh.com, which MINA offers).
 */
class MasterRenameIT {
  @TempDir Path tmp;
  MasterFixture m;
  Path barKey;

  @BeforeEach
  void start() throws Exception {
    m = new MasterFixture(tmp);
    barKey = m.addHost("bar");
    m.start();
  }

  @AfterEach
  void stop() {
    m.close();
  }

  @Test
  void put_overExistingLatest_replacesItAndLeavesNoTempFile() throws Exception {
    try (SftpBackend bar = m.connect("bar", barKey)) {
      bar.put("bar/latest", "snapshot-1\n".getBytes(StandardCharsets.UTF_8));
      bar.put("bar/latest", "snapshot-2\n".getBytes(StandardCharsets.UTF_8));
      assertEquals("snapshot-2\n", new String(bar.readAll("bar/latest"), StandardCharsets.UTF_8));
      assertEquals(List.of("latest"), bar.list("bar"));
    }
    assertEquals("snapshot-2\n", Files.readString(m.hosts.resolve("bar/latest")));
  }

  @Test
  void rename_overExistingFileWithRawClient_replacesIt() throws Exception {
    Files.writeString(m.hosts.resolve("bar/latest"), "old");
    Files.writeString(m.hosts.resolve("bar/.latest.tmp-1"), "new");
    try (MasterFixture.Raw bar = m.raw("bar", barKey)) {
      bar.sftp().rename("/bar/.latest.tmp-1", "/bar/latest");
    }
    assertEquals("new", Files.readString(m.hosts.resolve("bar/latest")));
    assertEquals(false, Files.exists(m.hosts.resolve("bar/.latest.tmp-1")));
  }

  @Test
  void upload_closedWithoutCommit_leavesOldFileAndNoTempFile() throws Exception {
    Files.writeString(m.hosts.resolve("bar/latest"), "old");
    try (SftpBackend bar = m.connect("bar", barKey)) {
      try (Backend.Upload up = bar.upload("bar/latest")) {
        up.stream().write("half a ".getBytes(StandardCharsets.UTF_8));
      }
      assertEquals(List.of("latest"), bar.list("bar"));
    }
    assertEquals("old", Files.readString(m.hosts.resolve("bar/latest")));
  }
}
