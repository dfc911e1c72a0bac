package io.jtau.schema;

import static io.jtau.schema.ErrorCatalogueTest.CODE;
import static io.jtau.schema.ErrorCatalogueTest.DOMAIN;
import static io.jtau.schema.Trees.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jtau.model.Problem;
import io.jtau.model.Resource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Legacy aliases (section 12), valid edge inputs (after section 13), inline forms (1.2). */
class FormatTest {

  static final String GH = "source:\n    github:\n        id: 42\n        fullname: acme/site\n";

  private static CompileResult ok(Map<String, String> files) {
    CompileResult r = compile(files);
    assertThat(r.errors()).extracting(Problem::toString).isEmpty();
    return r;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> only(CompileResult r, String group) {
    Map<String, Object> g = (Map<String, Object>) r.object().get(group);
    assertThat(g).hasSize(1);
    return (Map<String, Object>) g.values().iterator().next();
  }

  // ------------------------------------------------------------------ legacy aliases

  @Test
  void triggerServiceIsAnAliasOfProtocolAndProtocolWins() {
    String fn =
        "id: " + CID1 + "\ntrigger:\n    type: p2p\n    service: /old/v1\n    command: go\n" + CODE;
    assertThat(only(ok(project("functions/f.yaml", fn)), "functions"))
        .containsEntry("service", "/old/v1");
    String both =
        fn.replace("    service: /old/v1\n", "    service: /old/v1\n    protocol: /new/v1\n");
    CompileResult r = ok(project("functions/f.yaml", both));
    assertThat(only(r, "functions")).containsEntry("service", "/new/v1");
    assertThat(r.warnings()).anySatisfy(p -> assertThat(p.field()).isEqualTo("trigger.service"));
  }

  @Test
  void protocolIsRemovedUnlessP2p() {
    String fn =
        "id: " + CID1 + "\ntrigger:\n    type: pubsub\n    channel: c\n    protocol: /x\n" + CODE;
    assertThat(only(ok(project("functions/f.yaml", fn)), "functions"))
        .doesNotContainKey("service")
        .doesNotContainKey("secure")
        .containsEntry("channel", "c");
  }

  @Test
  void topLevelDomainsIsAnAliasAndTriggerDomainsWins() {
    String other = "id: " + CID3 + "\nfqdn: other.example.com\n";
    String fn =
        "id: "
            + CID1
            + "\ntrigger:\n    type: http\n    method: get\n    paths: [/]\ndomains: [public]\n"
            + CODE;
    Map<String, String> m =
        project("domains/public.yaml", DOMAIN, "domains/other.yaml", other, "functions/f.yaml", fn);
    assertThat(only(ok(m), "functions")).containsEntry("domains", List.of(CID2));
    m.put(
        "functions/f.yaml",
        fn.replace("    paths: [/]\n", "    paths: [/]\n    domains: [other]\n"));
    assertThat(only(ok(m), "functions")).containsEntry("domains", List.of(CID3));
  }

  @Test
  void websiteSourcePathsIsAnAliasAndPathsWins() {
    String web =
        "id: "
            + CID3
            + "\ndomains: [public]\nsource:\n    paths: [/old]\n    github:\n        id: 42\n        fullname: acme/site\n";
    Map<String, String> m = project("domains/public.yaml", DOMAIN, "websites/w.yaml", web);
    assertThat(only(ok(m), "websites"))
        .containsEntry("paths", List.of("/old"))
        .containsEntry("provider", "github")
        .containsEntry("repository-id", "42")
        .containsEntry("repository-name", "acme/site");
    m.put(
        "websites/w.yaml",
        web.replace("domains: [public]\n", "domains: [public]\npaths: [/new]\n"));
    assertThat(only(ok(m), "websites")).containsEntry("paths", List.of("/new"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "useRegex: true|true",
        "regex: true|true",
        "regex: false;useRegex: true|false",
        "useRegex: yes|true"
      })
  void useRegexAndRegexCompileToUseRegex(String yaml, boolean expected) {
    String db =
        "id: " + CID3 + "\n" + yaml.replace(";", "\n") + "\nmatch: u.*\nstorage:\n    size: 1GB\n";
    assertThat(only(ok(project("databases/db.yaml", db)), "databases"))
        .containsEntry("useRegex", expected);
    String st = "id: " + CID3 + "\n" + yaml.replace(";", "\n") + "\nobject:\n    size: 1GB\n";
    assertThat(only(ok(project("storages/s.yaml", st)), "storages"))
        .containsEntry("useRegex", expected);
  }

  @Test
  void databaseWithTrueRegexNeedsNoMatch() {
    ok(project("databases/db.yaml", "id: " + CID3 + "\nuseRegex: true\nstorage:\n    size: 1GB\n"));
  }

  @Test
  void pubSubSpellingIsRejected() {
    String fn = "id: " + CID1 + "\ntrigger:\n    type: pub-sub\n    channel: c\n" + CODE;
    assertThat(compile(project("functions/f.yaml", fn)).errors())
        .extracting(Problem::toString)
        .containsExactly(
            "/functions/f.yaml:3:11 trigger.type: invalid value: 'pub-sub' is not one of http, https, pubsub, p2p");
  }

  @Test
  void replicasAreIgnoredWithAWarning() {
    String db =
        "id: " + CID3 + "\nmatch: u\nreplicas:\n    min: 1\n    max: 3\nstorage:\n    size: 1GB\n";
    CompileResult r = ok(project("databases/db.yaml", db));
    assertThat(only(r, "databases")).doesNotContainKeys("min", "max", "replicas");
    assertThat(r.warnings()).extracting(Problem::field).containsExactly("replicas");
  }

  @Test
  void sourceLibrarySingularIsRejected() {
    String fn =
        "id: "
            + CID1
            + "\ntrigger:\n    type: pubsub\n    channel: c\n"
            + CODE.replace("source: .", "source: library/x");
    assertThat(compile(project("functions/f.yaml", fn)).errors())
        .extracting(Problem::message)
        .containsExactly("must be \".\" or start with \"libraries/\", got \"library/x\"");
  }

  @Test
  void encryptionPassesThrough() {
    String db =
        "id: "
            + CID3
            + "\nmatch: u\nencryption:\n    type: aes\n    key: k\nstorage:\n    size: 1GB\n";
    assertThat(only(ok(project("databases/db.yaml", db)), "databases"))
        .containsEntry("encryption-type", "aes")
        .containsEntry("encryption-key", "k");
  }

  @Test
  void fqdnIsLowerCased() {
    String d = "id: " + CID2 + "\nfqdn: WWW.Example.COM\n";
    assertThat(only(ok(project("domains/d.yaml", d)), "domains"))
        .containsEntry("fqdn", "www.example.com");
  }

  @Test
  void smartopsTagsOnApplicationsAndLibrariesAreNotInherited() {
    Map<String, String> m =
        project(
            "domains/public.yaml", DOMAIN,
            "smartops/guard.yaml", "id: " + CID3 + "\n" + CODE,
            "applications/a/config.yaml", "id: " + APP + "\ntags: [smartops:guard]\n",
            "applications/a/functions/f.yaml",
                "id: " + CID1 + "\ntrigger:\n    type: pubsub\n    channel: c\n" + CODE);
    CompileResult r = ok(m);
    Resource.Function f = r.config().all(Resource.Function.class).get(0);
    assertThat(f.identity().smartops()).isNull();
    assertThat(r.config().applications().get(0).tags()).containsExactly("smartops:guard");
  }

  // ------------------------------------------------------------------ valid edge inputs

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "method: get|method|get",
        "method: post|method|post",
        "memory: 64GB|memory|64000000000",
        "timeout: 1h15m|timeout|4500000000000",
        "timeout: 6m40s|timeout|400000000000",
        "timeout: 0|timeout|0",
        "memory: 0.5KiB|memory|512",
        "memory: 0|memory|0"
      })
  void validFunctionEdges(String line, String key, String value) {
    String fn =
        "id: "
            + CID1
            + "\ntrigger:\n    type: http\n    method: GET\n    paths: [/]\ndomains: [public]\nsource: .\nexecution:\n    timeout: 1s\n    memory: 1MB\n    call: f\n";
    String k = line.substring(0, line.indexOf(':'));
    fn = fn.replaceFirst("(?m)^    " + k + ": .*$", "    " + line);
    Map<String, Object> f =
        only(ok(project("domains/public.yaml", DOMAIN, "functions/f.yaml", fn)), "functions");
    assertThat(String.valueOf(f.get(key))).isEqualTo(value);
  }

  @ParameterizedTest
  @CsvSource({"dotends.com.", "just_a_string", "."})
  void validFqdnEdges(String fqdn) {
    ok(project("domains/d.yaml", "id: " + CID2 + "\nfqdn: '" + fqdn + "'\n"));
  }

  @Test
  void unquotedNumericGithubIdAndSizeZero() {
    String web =
        "id: "
            + CID3
            + "\ndomains: [public]\npaths: [/]\nsource:\n    github:\n        id: 485476045\n        fullname: a/b\n";
    assertThat(only(ok(project("domains/public.yaml", DOMAIN, "websites/w.yaml", web)), "websites"))
        .containsEntry("repository-id", "485476045");
    assertThat(
            only(
                ok(project("storages/s.yaml", "id: " + CID3 + "\nobject:\n    size: 0\n")),
                "storages"))
        .containsEntry("size", 0L)
        .containsEntry("public", true)
        .containsEntry("type", "object");
  }

  @Test
  void stringsKeepLiteralSourceText() {
    String svc = "id: " + CID3 + "\nprotocol: 0x1F\ndescription: true\n";
    assertThat(only(ok(project("services/s.yaml", svc)), "services"))
        .containsEntry("protocol", "0x1F")
        .containsEntry("description", "true");
    String nul = "id: " + CID3 + "\nprotocol: /p\ndescription: ~\n";
    assertThat(only(ok(project("services/s.yaml", nul)), "services"))
        .containsEntry("description", "");
  }

  @Test
  void yaml11BooleanWordsAndWrongTypes() {
    String msg =
        "id: "
            + CID3
            + "\nlocal: yes\nchannel:\n    match: x\n    regex: Off\nbridges:\n    mqtt:\n        enable: ON\n";
    assertThat(only(ok(project("messaging/m.yaml", msg)), "messaging"))
        .containsEntry("local", true)
        .containsEntry("regex", false)
        .containsEntry("mqtt", true)
        .doesNotContainKey("webSocket");
    String quoted = "id: " + CID3 + "\nlocal: \"true\"\nchannel:\n    match: x\n";
    assertThat(compile(project("messaging/m.yaml", quoted)).errors())
        .extracting(Problem::toString)
        .containsExactly(
            "/messaging/m.yaml:2:8 local: attribute 'local' has a value of the wrong type (expected a boolean (true/false), found a quoted string)");
    String scalarList = "id: " + CID3 + "\ntags: smartops:x\nprotocol: /p\n";
    assertThat(compile(project("services/s.yaml", scalarList)).errors())
        .extracting(Problem::message)
        .containsExactly(
            "attribute 'tags' has a value of the wrong type (expected a list of strings, found 'smartops:x')");
  }

  @Test
  void networkEncodings() {
    String st =
        "id: " + CID3 + "\naccess:\n    network: host\nstreaming:\n    size: 1GB\n    ttl: 1h\n";
    assertThat(only(ok(project("storages/s.yaml", st)), "storages"))
        .containsEntry("public", false)
        .containsEntry("network-access", "host")
        .containsEntry("ttl", 3_600_000_000_000L)
        .containsEntry("type", "streaming");
    String db =
        "id: " + CID3 + "\nmatch: x\naccess:\n    network: subnet\nstorage:\n    size: 1GB\n";
    assertThat(only(ok(project("databases/db.yaml", db)), "databases"))
        .containsEntry("local", false)
        .containsEntry("network-access", "subnet");
  }

  @Test
  void inlineCertificateNeedsCertAndKey() {
    String d = "id: " + CID2 + "\nfqdn: a.example.com\ncertificate:\n    type: inline\n";
    assertThat(compile(project("domains/d.yaml", d)).errors())
        .extracting(Problem::message)
        .containsExactly(
            "required attribute 'certificate/cert'", "required attribute 'certificate/key'");
  }

  // ------------------------------------------------------------------ inline forms

  @Test
  void resourcesInlineInConfigYaml() {
    Map<String, String> m =
        project(
            "config.yaml",
            "id: "
                + PID
                + "\nservices:\n    orders:\n        id: "
                + CID3
                + "\n        protocol: /orders/v1\n");
    assertThat(only(ok(m), "services")).containsEntry("name", "orders");
  }

  @Test
  void groupFileAtTheRoot() {
    Map<String, String> m =
        project("services.yaml", "orders:\n    id: " + CID3 + "\n    protocol: /o\n");
    assertThat(only(ok(m), "services")).containsEntry("protocol", "/o");
  }

  @Test
  void groupConfigYamlHoldsAMap() {
    Map<String, String> m =
        project("services/config.yaml", "orders:\n    id: " + CID3 + "\n    protocol: /o\n");
    assertThat(only(ok(m), "services")).containsEntry("name", "orders");
  }

  @Test
  void resourceAsADirectory() {
    Map<String, String> m =
        project(
            "domains/public.yaml", DOMAIN,
            "functions/f/id.yaml", CID1 + "\n",
            "functions/f/trigger.yaml", "type: http\nmethod: GET\npaths: [/]\ndomains: [public]\n",
            "functions/f/source.yaml", ".\n",
            "functions/f/execution.yaml", "timeout: 1s\nmemory: 1MB\ncall: f\n");
    assertThat(only(ok(m), "functions")).containsEntry("name", "f").containsEntry("call", "f");
  }

  @Test
  void filesystemWinsOverInlineWithAWarning() {
    Map<String, String> m =
        project(
            "config.yaml",
                "id: "
                    + PID
                    + "\nservices:\n    old:\n        id: "
                    + CID4
                    + "\n        protocol: /x\n",
            "services/orders.yaml", "id: " + CID3 + "\nprotocol: /o\n");
    CompileResult r = ok(m);
    assertThat(only(r, "services")).containsEntry("name", "orders");
    assertThat(r.warnings())
        .extracting(Problem::message)
        .anySatisfy(s -> assertThat(s).contains("shadowed by /services/"));
  }

  @Test
  void directoryAndYamlWithTheSameNameAreAmbiguous() {
    Map<String, String> m =
        project(
            "services.yaml",
            "a:\n    id: " + CID4 + "\n    protocol: /x\n",
            "services/orders.yaml",
            "id: " + CID3 + "\nprotocol: /o\n");
    assertThat(compile(m).errors())
        .extracting(Problem::toString)
        .containsExactly(
            "/services.yaml ambiguous: both /services/ and /services.yaml define 'services'");
  }

  @Test
  void ignoredFilesAndFolders() {
    Map<String, String> m =
        project(
            "README.md",
            "# hi",
            "functions/x.yml",
            "garbage: [",
            ".git/config",
            "x",
            "docs/a.yaml",
            "{",
            "services/.gitkeep",
            "");
    CompileResult r = ok(m);
    // A group folder holding no .yaml file still exists: an empty map (section 10.2).
    assertThat(r.object()).containsEntry("services", Map.of()).containsEntry("functions", Map.of());
  }

  @Test
  void unknownKeysAreWarnings() {
    Map<String, String> m =
        project(
            "services/s.yaml",
            "id: " + CID3 + "\nprotocol: /p\nprotocl: /typo\nextra:\n    deep: 1\n");
    CompileResult r = ok(m);
    assertThat(r.warnings())
        .extracting(Problem::toString)
        .containsExactly(
            "/services/s.yaml:3:10 warning: protocl: unknown key 'protocl' is ignored",
            "/services/s.yaml:5:5 warning: extra: unknown key 'extra' is ignored");
  }

  @Test
  void referenceQualifiersAndShadowing() {
    String appDomain = "id: " + CID4 + "\nfqdn: app.example.com\n";
    String fn =
        "id: "
            + CID1
            + "\ntrigger:\n    type: http\n    method: GET\n    paths: [/]\n    domains: [public, /public, ../public]\n"
            + CODE;
    Map<String, String> m =
        project(
            "domains/public.yaml",
            DOMAIN,
            "applications/a/config.yaml",
            "id: " + APP + "\n",
            "applications/a/domains/public.yaml",
            appDomain,
            "applications/a/functions/f.yaml",
            fn,
            "libraries/lib.yaml",
            ErrorCatalogueTest.LIB.replace(CID4, CID5),
            "applications/a/smartops/op.yaml",
            "id: "
                + CID3
                + "\nsource: libraries//lib\nexecution:\n    timeout: 1s\n    memory: 1MB\n    call: f\n");
    CompileResult r = ok(m);
    Resource.Function f = r.config().all(Resource.Function.class).get(0);
    assertThat(f.domains()).containsExactly(CID4, CID2, CID2);
    assertThat(r.config().all(Resource.SmartOp.class).get(0).source())
        .isEqualTo("libraries/" + CID5);
    assertThat(r.indexes())
        .containsKeys("http/functions/com/example/app/links", "libraries/" + CID5);
  }

  @Test
  void caseFoldedNamesWarn() {
    Map<String, String> m =
        project(
            "services/Orders.yaml",
            "id: " + CID3 + "\nprotocol: /o\n",
            "services/orders.yaml",
            "id: " + CID4 + "\nprotocol: /o\n");
    CompileResult r = ok(m);
    assertThat(r.warnings())
        .extracting(Problem::message)
        .anySatisfy(s -> assertThat(s).contains("only by case"));
    assertThat((Map<?, ?>) r.object().get("services")).hasSize(2);
  }

  @Test
  void sameIdInDifferentScopesCompilesWithAWarning() {
    Map<String, String> m =
        project(
            "services/s.yaml", "id: " + CID3 + "\nprotocol: /o\n",
            "applications/a/config.yaml", "id: " + APP + "\n",
            "applications/a/services/s.yaml", "id: " + CID3 + "\nprotocol: /o\n");
    CompileResult r = ok(m);
    assertThat(r.warnings())
        .extracting(Problem::message)
        .anySatisfy(s -> assertThat(s).contains("id is also used by service 's' of the project"));
  }

  @Test
  void generatedDomainRuleWithShortProjectIdIsAProblemNotACrash() {
    Map<String, String> m =
        project(
            "config.yaml",
            "id: bafy\n",
            "domains/d.yaml",
            "id: " + CID2 + "\nfqdn: abc.g.dream.localhost\n");
    CompileResult r =
        new ConfigCompiler(new CompileOptions("main", null, "g.dream.localhost", true))
            .compile(Trees.of(m));
    // Every valid CID is longer than 8 characters, so a short id fails as an id, never crashes.
    assertThat(r.errors())
        .extracting(Problem::toString)
        .containsExactly("/config.yaml:1:5 id: failed parsing `bafy` with invalid cid: varint");
  }
}
