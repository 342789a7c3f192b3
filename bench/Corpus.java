import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes the benchmark corpus: FILES /etc-like files (100 B to 64 KiB, log-uniform sizes, half
 * text-like and half random bytes) in 250 directories, plus BIG files of 5 MiB. Deterministic.
 * Usage: java bench/Corpus.java DIR [FILES] [BIG]
 */
public class Corpus {
  public static void main(String[] args) throws IOException {
    Path root = Path.of(args[0]);
    int files = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
    int big = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    Random r = new Random(20101125);
    byte[] text = "# setting = value; a comment about it\n".repeat(2000).getBytes();
    for (int i = 0; i < files; i++) {
      Path dir = root.resolve(String.format("d%03d", i % 250));
      Files.createDirectories(dir);
      int size = (int) (100 * Math.pow(655.36, r.nextDouble()));
      byte[] b = new byte[size];
      r.nextBytes(b);
      System.arraycopy(text, 0, b, 0, Math.min(size / 2, text.length));
      Files.write(dir.resolve(String.format("f%06d.conf", i)), b);
    }
    if (big > 0) {
      Path dir = Files.createDirectories(root.resolve("big"));
      byte[] b = new byte[5 << 20];
      for (int i = 0; i < big; i++) {
        r.nextBytes(b);
        Files.write(dir.resolve(String.format("blob%02d.bin", i)), b);
      }
    }
  }
}
