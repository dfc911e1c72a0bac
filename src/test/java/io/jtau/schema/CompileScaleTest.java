package io.jtau.schema;

import static io.jtau.schema.Trees.PID;
import static org.assertj.core.api.Assertions.assertThat;

import io.jtau.model.RepoFile;
import io.jtau.model.RepoTree;
import io.jtau.model.Resource;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A large repository compiles, and a one-file change re-parses only that file. Times are printed
 * for the record, never asserted (conventions: performance lives in benchmarks).
 */
class CompileScaleTest {

  private static void put(Map<String, RepoFile> m, String path, String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    m.put(path, new RepoFile(path, LocalRepoReader.blobId(b), b));
  }

  static Map<String, RepoFile> repo(int functions, int websites, int databases) {
    Map<String, RepoFile> m = new TreeMap<>();
    put(m, "config.yaml", "id: " + PID + "\nname: big\n");
    put(
        m,
        "domains/main.yaml",
        "id: " + Cids.hash("domain") + "\nfqdn: vt292gfu.g.tau.example.com\n");
    for (int i = 0; i < functions; i++) {
      put(
          m,
          "functions/f" + i + ".yaml",
          "id: "
              + Cids.hash("f" + i)
              + "\ntrigger:\n  type: https\n  method: GET\n  paths: [/f"
              + i
              + "]\ndomains: [main]\nsource: .\nexecution: {timeout: 5s, memory: 16MiB, call: f"
              + i
              + "}\n");
    }
    for (int i = 0; i < websites; i++) {
      put(
          m,
          "websites/w" + i + ".yaml",
          "id: "
              + Cids.hash("w" + i)
              + "\ndomains: [main]\npaths: [/w"
              + i
              + "]\nsource:\n  github: {id: "
              + (1000 + i)
              + ", fullname: acme/w"
              + i
              + "}\n");
    }
    for (int i = 0; i < databases; i++) {
      put(
          m,
          "databases/d" + i + ".yaml",
          "id: " + Cids.hash("d" + i) + "\nmatch: d" + i + "\nstorage: {size: 1GB}\n");
    }
    return m;
  }

  @Test
  void thousandFunctionsCompileAndAOneFileChangeReusesParses() {
    Map<String, RepoFile> files = repo(1000, 100, 100);
    ConfigCompiler compiler = new ConfigCompiler(CompileOptions.defaults());
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();

    long a0 = threads.getThreadAllocatedBytes(tid);
    long t0 = System.nanoTime();
    CompileResult first = compiler.compile(RepoTree.of("c1", files));
    long full = System.nanoTime() - t0;
    long fullAlloc = threads.getThreadAllocatedBytes(tid) - a0;
    assertThat(first.problems()).isEmpty();
    assertThat(first.config().resources()).hasSize(1201);
    assertThat(compiler.parseCount()).isEqualTo(files.size());

    put(
        files,
        "functions/f7.yaml",
        "id: "
            + Cids.hash("f7")
            + "\ntrigger: {type: https, method: POST, paths: [/seven], domains: [main]}\n"
            + "source: .\nexecution: {timeout: 5s, memory: 16MiB, call: seven}\n");
    long a1 = threads.getThreadAllocatedBytes(tid);
    long t1 = System.nanoTime();
    CompileResult second = compiler.compile(RepoTree.of("c2", files));
    long incremental = System.nanoTime() - t1;
    long incrementalAlloc = threads.getThreadAllocatedBytes(tid) - a1;
    assertThat(second.ok()).isTrue();
    assertThat(compiler.parseCount()).isEqualTo(files.size() + 1L);
    Resource.Function seven =
        second.config().all(Resource.Function.class).stream()
            .filter(f -> f.name().equals("f7"))
            .findFirst()
            .orElseThrow();
    assertThat(seven.call()).isEqualTo("seven");
    assertThat(seven.method()).isEqualTo("POST");

    long t2 = System.nanoTime();
    compiler.compile(RepoTree.of("c2", files));
    long unchanged = System.nanoTime() - t2;
    assertThat(compiler.parseCount()).isEqualTo(files.size() + 1L);

    System.out.printf(
        "compile of %d files: full %d ms, after a one-file change %d ms, unchanged %d ms%n",
        files.size(), full / 1_000_000, incremental / 1_000_000, unchanged / 1_000_000);
    System.out.printf(
        "compile of %d files: heap allocated %d MiB full, %d MiB after a one-file change%n",
        files.size(), fullAlloc >> 20, incrementalAlloc >> 20);
  }

  @Test
  void hundredThousandResourcesCompile() {
    Map<String, RepoFile> files = new TreeMap<>();
    put(files, "config.yaml", "id: " + PID + "\n");
    for (int i = 0; i < ConfigCompiler.MAX_RESOURCES; i++) {
      put(
          files,
          "services/s" + i + ".yaml",
          "id: " + Cids.hash("s" + i) + "\nprotocol: /s" + i + "\n");
    }
    ConfigCompiler compiler = new ConfigCompiler(CompileOptions.defaults());
    long t0 = System.nanoTime();
    CompileResult r = compiler.compile(RepoTree.of("big", files));
    long full = System.nanoTime() - t0;
    assertThat(r.problems()).isEmpty();
    assertThat(r.config().resources()).hasSize(ConfigCompiler.MAX_RESOURCES);
    long t1 = System.nanoTime();
    compiler.compile(RepoTree.of("big", files));
    long cached = System.nanoTime() - t1;
    System.out.printf(
        "compile of 100000 services: full %d ms, all cached %d ms%n",
        full / 1_000_000, cached / 1_000_000);
  }
}
