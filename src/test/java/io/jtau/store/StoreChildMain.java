package io.jtau.store;

import io.jtau.model.Cid;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Runs in a child JVM for {@link StoreCrashTest}: {@code write ROOT COUNT} puts and pins COUNT
 * objects, printing {@code ack I CID} after each durable put+pin; {@code roundtrip ROOT SIZE} puts
 * SIZE bytes and reads them back, printing {@code ok CID SHA256} (run with a small heap to show
 * memory stays bounded).
 */
public final class StoreChildMain {

  private StoreChildMain() {}

  /** Content of object {@code i} in write mode: some span two chunks. */
  static byte[] object(int i) {
    int size = i % 10 == 0 ? 300_000 : 1_000 + i;
    byte[] b = new byte[size];
    for (int j = 0; j < size; j++) {
      b[j] = (byte) (i * 31 + j * 7);
    }
    return b;
  }

  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    Path root = Path.of(args[1]);
    try (FileContentStore store = new FileContentStore(root)) {
      if (args[0].equals("write")) {
        int count = Integer.parseInt(args[2]);
        out.println("ready");
        out.flush();
        for (int i = 0; i < count; i++) {
          Cid cid = store.put(object(i));
          store.pin(cid, "build:" + i);
          out.println("ack " + i + " " + cid.value());
          out.flush();
        }
      } else if (args[0].equals("roundtrip")) {
        long size = Long.parseLong(args[2]);
        Cid cid = store.put(UnixFsTest.pattern(size));
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[65536];
        try (InputStream in = store.open(cid)) {
          int n;
          while ((n = in.read(buf)) > 0) {
            md.update(buf, 0, n);
          }
        }
        out.println("ok " + cid.value() + " " + HexFormat.of().formatHex(md.digest()));
      } else {
        throw new IllegalArgumentException("mode: write | roundtrip");
      }
    }
  }
}
