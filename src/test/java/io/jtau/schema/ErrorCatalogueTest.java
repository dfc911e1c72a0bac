package io.jtau.schema;

import static io.jtau.schema.Trees.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jtau.model.Problem;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every row of the error catalogue (config-format.md 13). Files use 4-space indentation as tau's
 * tests do, so the expected positions are tau's.
 */
class ErrorCatalogueTest {

  static final String DOMAIN = "id: " + CID2 + "\nfqdn: vt292gfu.g.tau.example.com\n";
  static final String CODE =
      "source: .\nexecution:\n    timeout: 1s\n    memory: 1MB\n    call: f\n";
  static final String HTTP =
      "trigger:\n    type: http\n    method: GET\n    paths: [/x]\n    domains: [public]\n";
  static final String FN = "id: " + CID1 + "\n" + HTTP + CODE;
  static final String LIB =
      "id: " + CID4 + "\nsource:\n    github:\n        id: 123\n        fullname: acme/lib\n";
  static final String APPCFG = "id: " + APP + "\n";

  /** A case: files (on top of a minimal project with domain "public"), and the problem. */
  record Case(
      String row,
      Map<String, String> files,
      CompileOptions options,
      String file,
      int line,
      int col,
      String field,
      String words) {
    @Override
    public String toString() {
      return row;
    }
  }

  static Case c(
      String row, String file, int line, int col, String field, String words, String... files) {
    return opt(row, CompileOptions.defaults(), file, line, col, field, words, files);
  }

  static Case opt(
      String row,
      CompileOptions o,
      String file,
      int line,
      int col,
      String field,
      String words,
      String... files) {
    Map<String, String> m = project("domains/public.yaml", DOMAIN);
    for (int i = 0; i < files.length; i += 2) {
      m.put(files[i], files[i + 1]);
    }
    return new Case(row, m, o, file, line, col, field, words);
  }

  static Stream<Case> rows() {
    String f = "/functions/f.yaml";
    return Stream.of(
        c(
            "1 missing id",
            f,
            1,
            1,
            "id",
            "required attribute 'id'",
            "functions/f.yaml",
            "name: test_function\n"),
        c(
            "2 numeric name",
            f,
            2,
            7,
            "name",
            "invalid variable name",
            "functions/f.yaml",
            "id: " + CID1 + "\nname: 12345\n" + HTTP + CODE),
        c(
            "3 stray key then bad name",
            f,
            3,
            7,
            "name",
            "invalid variable name",
            "functions/f.yaml",
            "id: " + CID1 + "\ntype: http\nname: 999invalid\n" + HTTP + CODE),
        c(
            "4 bad name on line 4",
            f,
            4,
            7,
            "name",
            "invalid variable name",
            "functions/f.yaml",
            "id: " + CID1 + "\ntype: http\ndescription: x\nname: 999invalid\n" + HTTP + CODE),
        c(
            "5 app function missing id",
            "/applications/a/functions/f.yaml",
            1,
            1,
            "id",
            "required attribute 'id'",
            "applications/a/config.yaml",
            APPCFG,
            "applications/a/functions/f.yaml",
            "name: fn\n" + HTTP + CODE),
        c(
            "6 app function numeric name",
            "/applications/a/functions/f.yaml",
            2,
            7,
            "name",
            "invalid variable name",
            "applications/a/config.yaml",
            APPCFG,
            "applications/a/functions/f.yaml",
            "id: " + CID1 + "\nname: 12345\n" + HTTP + CODE),
        c(
            "7 project email",
            "/config.yaml",
            4,
            12,
            "notification.email",
            "mail: missing '@' or angle-addr",
            "config.yaml",
            "id: " + PID + "\nname: demo\nnotification:\n    email: invalid-email\n"),
        c(
            "8 trigger type",
            f,
            3,
            11,
            "trigger.type",
            "invalid value",
            "functions/f.yaml",
            "id: " + CID1 + "\ntrigger:\n    type: invalid_type\n" + CODE),
        c(
            "9 http method",
            f,
            4,
            13,
            "trigger.method",
            "invalid http method",
            "functions/f.yaml",
            "id: "
                + CID1
                + "\ntrigger:\n    type: http\n    method: INVALID_METHOD\n    paths: [/x]\n    domains: [public]\n"
                + CODE),
        c(
            "10 fqdn",
            "/domains/d.yaml",
            2,
            7,
            "fqdn",
            "invalid fqdn",
            "domains/d.yaml",
            "id: " + CID3 + "\nfqdn: not-a-valid-fqdn!!!\n"),
        c(
            "11 database network",
            "/databases/db.yaml",
            3,
            14,
            "access.network",
            "invalid value",
            "databases/db.yaml",
            "id: "
                + CID3
                + "\naccess:\n    network: invalid_access\nmatch: x\nstorage:\n    size: 1GB\n"),
        c(
            "12 name 123invalid",
            f,
            2,
            7,
            "name",
            "invalid variable name",
            "functions/f.yaml",
            "id: " + CID1 + "\nname: 123invalid\n" + HTTP + CODE),
        c(
            "13 only description",
            f,
            1,
            1,
            "id",
            "required attribute 'id'",
            "functions/f.yaml",
            "description: just words\n"),
        c(
            "14 bad cid",
            f,
            1,
            5,
            "id",
            "failed parsing `not-a-valid-cid` with invalid cid: selected encoding not supported",
            "functions/f.yaml",
            "id: not-a-valid-cid\n" + HTTP + CODE),
        c(
            "15 storage network",
            "/storages/s.yaml",
            3,
            14,
            "access.network",
            "invalid value",
            "storages/s.yaml",
            "id: " + CID3 + "\naccess:\n    network: invalid_access\nobject:\n    size: 1GB\n"),
        c(
            "16 @ cannot start a plain scalar",
            "/applications/a/functions/f.yaml",
            2,
            7,
            "",
            "invalid YAML",
            "applications/a/config.yaml",
            APPCFG,
            "applications/a/functions/f.yaml",
            "id: " + CID1 + "\nname: @invalid-name\n"),
        c(
            "17a bad name and bad fqdn: the fqdn",
            "/domains/d.yaml",
            2,
            7,
            "fqdn",
            "invalid fqdn",
            "domains/d.yaml",
            "id: " + CID3 + "\nfqdn: bad fqdn!\n",
            "functions/f.yaml",
            "id: " + CID1 + "\nname: 1x\n" + HTTP + CODE),
        c(
            "17b bad name and bad fqdn: the name",
            f,
            2,
            7,
            "name",
            "invalid variable name",
            "domains/d.yaml",
            "id: " + CID3 + "\nfqdn: bad fqdn!\n",
            "functions/f.yaml",
            "id: " + CID1 + "\nname: 1x\n" + HTTP + CODE),
        c(
            "18 library name",
            "/libraries/l.yaml",
            2,
            7,
            "name",
            "invalid variable name",
            "libraries/l.yaml",
            "id: "
                + CID4
                + "\nname: -invalid\nsource:\n    github:\n        id: 1\n        fullname: a/b\n"),
        c(
            "19 website name",
            "/websites/w.yaml",
            2,
            7,
            "name",
            "invalid variable name",
            "websites/w.yaml",
            "id: "
                + CID4
                + "\nname: 0invalid\ndomains: [public]\npaths: [/]\nsource:\n    github:\n        id: 1\n        fullname: a/b\n"),
        c(
            "20 smartop name",
            "/smartops/s.yaml",
            2,
            7,
            "name",
            "invalid variable name",
            "smartops/s.yaml",
            "id: " + CID4 + "\nname: invalid-name-with-dashes\n" + CODE),
        c(
            "21 function source",
            f,
            2,
            9,
            "source",
            "must be \".\" or start with \"libraries/\", got \"not_a_ref\"",
            "functions/f.yaml",
            "id: "
                + CID1
                + "\nsource: not_a_ref\ntrigger:\n    type: pubsub\n    channel: c\nexecution:\n    timeout: 1s\n    memory: 1MB\n    call: f\n"),
        c(
            "22 smartop source",
            "/smartops/s.yaml",
            2,
            9,
            "source",
            "must be \".\" or start with \"libraries/\", got \"not_a_ref\"",
            "smartops/s.yaml",
            "id: "
                + CID4
                + "\nsource: not_a_ref\nexecution:\n    timeout: 1s\n    memory: 1MB\n    call: f\n"),
        c(
            "23 certificate type",
            "/domains/d.yaml",
            4,
            11,
            "certificate.type",
            "invalid value",
            "domains/d.yaml",
            "id: " + CID3 + "\nfqdn: a.example.com\ncertificate:\n    type: invalid_type\n"),
        c(
            "24 unknown library",
            f,
            7,
            9,
            "source",
            "resolving libraries names to IDs failed with not indexed",
            "functions/f.yaml",
            "id: "
                + CID1
                + "\n"
                + HTTP
                + CODE.replace("source: .", "source: libraries/does_not_exist")),
        c(
            "25 no sideways resolution",
            "/applications/b/functions/f.yaml",
            7,
            9,
            "source",
            "not indexed",
            "applications/a/config.yaml",
            APPCFG,
            "applications/a/libraries/lib.yaml",
            LIB,
            "applications/b/config.yaml",
            "id: " + CID5 + "\n",
            "applications/b/functions/f.yaml",
            "id: " + CID1 + "\n" + HTTP + CODE.replace("source: .", "source: libraries/lib")),
        c(
            "26 ../ from project scope",
            f,
            6,
            15,
            "trigger.domains",
            "reference scope \"../public\" climbs above the project root",
            "functions/f.yaml",
            "id: " + CID1 + "\n" + HTTP.replace("[public]", "[../public]") + CODE),
        opt(
            "27 clouds incomplete",
            new CompileOptions("main", "tau-cloud.io", null, false),
            "/config.yaml",
            4,
            19,
            "clouds.tau-cloud.io",
            "clouds[\"tau-cloud.io\"] is incomplete",
            "config.yaml",
            "id: " + PID + "\nname: demo\nclouds:\n    tau-cloud.io: {account: acme}\n"),
        c(
            "29 bool holding 1",
            f,
            3,
            12,
            "trigger.local",
            "attribute 'trigger/local' has a value of the wrong type",
            "functions/f.yaml",
            "id: "
                + CID1
                + "\ntrigger:\n    local: 1\n    type: http\n    method: GET\n    paths: [/x]\n    domains: [public]\n"
                + CODE),
        c(
            "30a http without method",
            f,
            1,
            1,
            "trigger.method",
            "required attribute 'trigger/method'",
            "functions/f.yaml",
            "id: " + CID1 + "\ntrigger:\n    type: http\n" + CODE),
        c(
            "30b http without domains",
            f,
            1,
            1,
            "trigger.domains",
            "required attribute 'trigger/domains'",
            "functions/f.yaml",
            "id: " + CID1 + "\ntrigger:\n    type: http\n" + CODE),
        c(
            "30c http without paths",
            f,
            1,
            1,
            "trigger.paths",
            "required attribute 'trigger/paths'",
            "functions/f.yaml",
            "id: " + CID1 + "\ntrigger:\n    type: http\n" + CODE),
        c(
            "31 pubsub without channel",
            f,
            1,
            1,
            "trigger.channel",
            "required attribute 'trigger/channel'",
            "functions/f.yaml",
            "id: " + CID1 + "\ntrigger:\n    type: pubsub\n" + CODE),
        c(
            "32a p2p without protocol",
            f,
            1,
            1,
            "trigger.protocol",
            "required attribute 'trigger/protocol'",
            "functions/f.yaml",
            "id: " + CID1 + "\ntrigger:\n    type: p2p\n" + CODE),
        c(
            "32b p2p without command",
            f,
            1,
            1,
            "trigger.command",
            "required attribute 'trigger/command'",
            "functions/f.yaml",
            "id: " + CID1 + "\ntrigger:\n    type: p2p\n    protocol: /x/v1\n" + CODE),
        c(
            "34 database without match",
            "/databases/db.yaml",
            1,
            1,
            "match",
            "required attribute 'match'",
            "databases/db.yaml",
            "id: " + CID3 + "\nstorage:\n    size: 1GB\n"),
        c(
            "34b database with regex false",
            "/databases/db.yaml",
            1,
            1,
            "match",
            "required attribute 'match'",
            "databases/db.yaml",
            "id: " + CID3 + "\nuseRegex: false\nstorage:\n    size: 1GB\n"),
        c(
            "35a storage with both",
            "/storages/s.yaml",
            1,
            1,
            "",
            "attribute type has an empty key",
            "storages/s.yaml",
            "id: " + CID3 + "\nobject:\n    size: 1GB\nstreaming:\n    size: 1GB\n"),
        c(
            "35b storage with neither",
            "/storages/s.yaml",
            1,
            1,
            "",
            "attribute type has an empty key",
            "storages/s.yaml",
            "id: " + CID3 + "\nmatch: x\n"),
        c(
            "36 duplicate ids in a group",
            "/functions/g.yaml",
            1,
            5,
            "id",
            "promoting functions g failed with renaming to id failed with name already exists",
            "functions/f.yaml",
            FN,
            "functions/g.yaml",
            FN),
        opt(
            "38 generated domain without the id suffix",
            new CompileOptions("main", null, "g.tau.example.com", false),
            "/domains/d.yaml",
            2,
            7,
            "fqdn",
            "generated fqdn `abcdefgh.g.tau.example.com` does not contain last 8 of project id "
                + PID,
            "domains/d.yaml",
            "id: " + CID3 + "\nfqdn: abcdefgh.g.tau.example.com\n"),
        c(
            "40a duration 20x",
            f,
            9,
            14,
            "execution.timeout",
            "invalid duration \"20x\": time: unknown unit \"x\" in duration \"20x\"",
            "functions/f.yaml",
            FN.replace("timeout: 1s", "timeout: 20x")),
        c(
            "40b duration 10S",
            f,
            9,
            14,
            "execution.timeout",
            "invalid duration \"10S\"",
            "functions/f.yaml",
            FN.replace("timeout: 1s", "timeout: 10S")),
        c(
            "40c size 5gb",
            f,
            10,
            13,
            "execution.memory",
            "invalid size \"5gb\": units: unknown unit gb in 5gb",
            "functions/f.yaml",
            FN.replace("memory: 1MB", "memory: 5gb")),
        c(
            "40d size 1024",
            f,
            10,
            13,
            "execution.memory",
            "invalid size \"1024\"",
            "functions/f.yaml",
            FN.replace("memory: 1MB", "memory: 1024")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void reportsTheProblemAtItsPosition(Case k) {
    CompileResult r = new ConfigCompiler(k.options()).compile(Trees.of(k.files()));
    assertThat(r.ok()).as("compiles: %s", r.problems()).isFalse();
    assertThat(r.config()).isNull();
    assertThat(r.errors())
        .as("errors")
        .anySatisfy(
            p -> {
              assertThat(p.file()).isEqualTo(k.file());
              assertThat(p.line()).isEqualTo(k.line());
              assertThat(p.column()).isEqualTo(k.col());
              assertThat(p.field()).isEqualTo(k.field());
              assertThat(p.message()).contains(k.words());
            });
  }

  @ParameterizedTest(name = "33 deleting {1} from a valid {0}")
  @MethodSource("requiredFields")
  void deletingARequiredFieldFails(String file, String path, String text) {
    Map<String, String> m = project("domains/public.yaml", DOMAIN, "libraries/lib.yaml", LIB);
    m.put(file, text);
    assertThat(compile(m).ok())
        .as("the full document compiles: %s", compile(m).problems())
        .isTrue();
    m.put(file, delete(text, path));
    CompileResult r = compile(m);
    assertThat(r.errors())
        .extracting(Problem::toString)
        .anySatisfy(
            s ->
                assertThat(s)
                    .contains("/" + file)
                    .contains("required attribute '" + path.replace('.', '/') + "'"));
  }

  /** Removes the line of the last segment of a path (the fixtures put one key per line). */
  static String delete(String text, String path) {
    String last = path.substring(path.lastIndexOf('.') + 1);
    String[] lines = text.split("\n");
    String prefix = path.contains(".") ? "" : "";
    StringBuilder b = new StringBuilder();
    boolean done = false;
    for (String l : lines) {
      String t = l.strip();
      int indent = l.length() - t.length();
      int depth = path.split("\\.").length - 1;
      if (!done && t.startsWith(last + ":") && indent == depth * 4) {
        done = true;
        continue;
      }
      b.append(l).append('\n');
    }
    assertThat(done).as("deleted %s%s", prefix, path).isTrue();
    return b.toString();
  }

  static Stream<Arguments> requiredFields() {
    String web =
        "id: "
            + CID3
            + "\ndomains: [public]\npaths: [/]\nsource:\n    github:\n        id: 42\n        fullname: acme/site\n";
    String db = "id: " + CID3 + "\nmatch: users\nstorage:\n    size: 1GB\n";
    String obj = "id: " + CID3 + "\nobject:\n    size: 1GB\n";
    String stream = "id: " + CID3 + "\nstreaming:\n    size: 1GB\n    ttl: 1h\n";
    String msg = "id: " + CID3 + "\nchannel:\n    match: news\n";
    String svc = "id: " + CID3 + "\nprotocol: /orders/v1\n";
    String pubsub = "id: " + CID1 + "\ntrigger:\n    type: pubsub\n    channel: c\n" + CODE;
    String p2p =
        "id: " + CID1 + "\ntrigger:\n    type: p2p\n    protocol: /p/v1\n    command: go\n" + CODE;
    String op = "id: " + CID3 + "\n" + CODE;
    List<Arguments> l = new java.util.ArrayList<>();
    for (String p :
        List.of(
            "id",
            "trigger.type",
            "source",
            "execution.timeout",
            "execution.memory",
            "execution.call",
            "trigger.method",
            "trigger.paths",
            "trigger.domains")) {
      l.add(Arguments.of("functions/f.yaml", p, FN));
    }
    l.add(Arguments.of("functions/f.yaml", "trigger.channel", pubsub));
    l.add(Arguments.of("functions/f.yaml", "trigger.protocol", p2p));
    l.add(Arguments.of("functions/f.yaml", "trigger.command", p2p));
    l.add(Arguments.of("domains/d.yaml", "fqdn", "id: " + CID3 + "\nfqdn: x.example.com\n"));
    l.add(Arguments.of("databases/db.yaml", "storage.size", db));
    l.add(Arguments.of("databases/db.yaml", "match", db));
    l.add(Arguments.of("storages/s.yaml", "object.size", obj));
    l.add(Arguments.of("storages/s.yaml", "streaming.size", stream));
    for (String p :
        List.of("id", "domains", "paths", "source.github.id", "source.github.fullname")) {
      l.add(Arguments.of("websites/w.yaml", p, web));
    }
    for (String p : List.of("source.github.id", "source.github.fullname")) {
      l.add(Arguments.of("libraries/l2.yaml", p, LIB.replace(CID4, CID5)));
    }
    l.add(Arguments.of("messaging/m.yaml", "channel.match", msg));
    l.add(Arguments.of("services/s.yaml", "protocol", svc));
    for (String p : List.of("source", "execution.timeout", "execution.memory", "execution.call")) {
      l.add(Arguments.of("smartops/o.yaml", p, op));
    }
    l.add(Arguments.of("applications/a/config.yaml", "id", APPCFG));
    l.add(Arguments.of("config.yaml", "id", "id: " + PID + "\nname: demo\n"));
    return l.stream();
  }

  @org.junit.jupiter.api.Test
  void row28CloudsForAnotherCloudIsIgnored() {
    Map<String, String> m =
        project("config.yaml", "id: " + PID + "\nclouds:\n    tau-cloud.io: {account: acme}\n");
    for (String cloud : Arrays.asList("other.io", null)) {
      CompileResult r =
          new ConfigCompiler(new CompileOptions("main", cloud, null, false)).compile(Trees.of(m));
      assertThat(r.ok()).as("cloud %s: %s", cloud, r.problems()).isTrue();
      assertThat(r.object()).doesNotContainKeys("account", "plan");
    }
  }

  @org.junit.jupiter.api.Test
  void rows37And39AreDeferredChecks() {
    Map<String, String> m =
        new LinkedHashMap<>(
            project(
                "domains/public.yaml",
                DOMAIN.replace("vt292gfu.g.tau.example.com", "www.example.com")));
    CompileResult r = compile(m);
    assertThat(r.checks())
        .containsExactly(
            new Check("project_id", PID, "project_id", Map.of()),
            new Check("domain", "www.example.com", "dns", Map.of("project", PID)));
  }

  @org.junit.jupiter.api.Test
  void allProblemsOfACommitAreReportedSorted() {
    Map<String, String> m =
        project(
            "domains/d.yaml", "id: " + CID3 + "\nfqdn: bad fqdn!\n",
            "functions/f.yaml", "id: " + CID1 + "\nname: 1x\ntrigger:\n    type: nope\n" + CODE);
    CompileResult r = compile(m);
    assertThat(r.errors())
        .extracting(Problem::toString)
        .containsExactly(
            "/domains/d.yaml:2:7 fqdn: invalid fqdn: 'bad fqdn!'",
            "/functions/f.yaml:2:7 name: invalid variable name: '1x' must match ^[a-zA-Z_][a-zA-Z0-9_]*$",
            "/functions/f.yaml:4:11 trigger.type: invalid value: 'nope' is not one of http, https, pubsub, p2p");
  }
}
