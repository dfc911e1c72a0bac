package io.jtau.schema;

import io.jtau.model.RepoFile;
import io.jtau.model.RepoTree;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Test trees: fixture folders and in-memory maps of path to YAML text. */
final class Trees {

  static final Path FIXTURES = Path.of("src/test/resources/config-fixtures");

  static final String PID = "QmPfpGdzWyp1oDQoN7uPdis2jJGkR56xKWsatAvT292gfU";
  static final String CID1 = "QmXaeA8xDoXPk5ixQjAQjx6rZXrvrpghAR4WeqK7yRjZXJ";
  static final String CID2 = "QmT8U6cST6rwvRQgKS1PzGJjFjf8Yiu74qoLujjUV2A3go";
  static final String CID3 = "Qmde7kpUXFzc8peLF75fedCKNb5psN4MwJH74WjmMJyGNg";
  static final String CID4 = "Qmcai5uQbnBJmNoepcvY3PJDf8wpsSmdnMeCch52UiedtT";
  static final String APP = "QmQsuTwcFzuH1bPvsis7CDkTPTTR3JPU4ZecL3wogVTTYX";
  static final String CID5 = "QmRZNe8AqyZi3RGssPTHraJx2sZKa4TD3k34KhtwUkNv11";

  private Trees() {}

  static RepoTree fixture(String name) {
    try {
      return LocalRepoReader.read(FIXTURES.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The canonical fixture's files as text, to be edited by a test. */
  static Map<String, String> canonical() {
    Map<String, String> out = new LinkedHashMap<>();
    fixture("canonical")
        .files()
        .forEach((p, f) -> out.put(p, new String(f.content(), StandardCharsets.UTF_8)));
    return out;
  }

  static RepoTree of(Map<String, String> files) {
    Map<String, RepoFile> m = new TreeMap<>();
    files.forEach(
        (p, text) -> {
          byte[] b = text.getBytes(StandardCharsets.UTF_8);
          m.put(p, new RepoFile(p, LocalRepoReader.blobId(b), b));
        });
    return RepoTree.of("test", m);
  }

  static RepoTree bytes(Map<String, String> files, String path, byte[] content) {
    Map<String, RepoFile> m = new TreeMap<>(of(files).files());
    m.put(path, new RepoFile(path, LocalRepoReader.blobId(content), content));
    return RepoTree.of("test", m);
  }

  /** A minimal valid project plus the given files. */
  static Map<String, String> project(String... pathsAndTexts) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("config.yaml", "id: " + PID + "\nname: demo\n");
    for (int i = 0; i < pathsAndTexts.length; i += 2) {
      m.put(pathsAndTexts[i], pathsAndTexts[i + 1]);
    }
    return m;
  }

  static CompileResult compile(Map<String, String> files) {
    return new ConfigCompiler(CompileOptions.defaults()).compile(of(files));
  }
}
