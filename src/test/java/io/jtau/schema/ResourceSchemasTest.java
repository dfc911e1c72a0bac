package io.jtau.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jtau.model.ResourceKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The JSON Schemas of {@code resource-schemas/} are generated from the compiler's field tables and
 * kept in sync; valid fixtures validate against them and a few invalid documents do not. Run with
 * {@code -Djtau.schemas.write=true} to regenerate the files.
 */
class ResourceSchemasTest {

  static final Path DIR = Path.of("resource-schemas");

  @Test
  void filesMatchTheFieldTables() throws IOException {
    Map<String, String> generated = SchemaExport.all();
    if (Boolean.getBoolean("jtau.schemas.write")) {
      for (Map.Entry<String, String> e : generated.entrySet()) {
        Files.writeString(DIR.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
      }
    }
    try (Stream<Path> s = Files.list(DIR)) {
      Set<String> onDisk =
          s.map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".schema.json"))
              .collect(Collectors.toCollection(TreeSet::new));
      assertThat(onDisk).isEqualTo(new TreeSet<>(generated.keySet()));
    }
    for (Map.Entry<String, String> e : generated.entrySet()) {
      assertThat(Files.readString(DIR.resolve(e.getKey())))
          .as("%s is stale: run ResourceSchemasTest with -Djtau.schemas.write=true", e.getKey())
          .isEqualTo(e.getValue());
    }
  }

  @Test
  void everyKindHasASchemaAndEverySchemaAKind() {
    Set<String> expected = new TreeSet<>(Set.of("project.schema.json", "application.schema.json"));
    for (ResourceKind k : ResourceKind.values()) {
      expected.add(k.word() + ".schema.json");
    }
    assertThat(new TreeSet<>(SchemaExport.all().keySet())).isEqualTo(expected);
  }

  static Stream<Arguments> validDocuments() {
    return Stream.of(
        Arguments.of("canonical/config.yaml", "project"),
        Arguments.of("canonical/functions/hello.yaml", "function"),
        Arguments.of("canonical/domains/public.yaml", "domain"),
        Arguments.of("canonical/smartops/guard.yaml", "smartop"),
        Arguments.of("canonical/databases/users.yaml", "database"),
        Arguments.of("canonical/applications/shop/config.yaml", "application"),
        Arguments.of("canonical/applications/shop/functions/list.yaml", "function"),
        Arguments.of("all-kinds/websites/site.yaml", "website"),
        Arguments.of("all-kinds/libraries/lib.yaml", "library"),
        Arguments.of("all-kinds/storages/files.yaml", "storage"),
        Arguments.of("all-kinds/storages/events.yaml", "storage"),
        Arguments.of("all-kinds/messaging/news.yaml", "messaging"),
        Arguments.of("all-kinds/services/orders.yaml", "service"),
        Arguments.of("all-kinds/functions/ping.yaml", "function"),
        Arguments.of("all-kinds/functions/worker.yaml", "function"));
  }

  @ParameterizedTest(name = "{0} is a valid {1}")
  @MethodSource("validDocuments")
  void validFixturesValidate(String file, String kind) throws IOException {
    assertThat(validate(Trees.FIXTURES.resolve(file), kind)).isEmpty();
  }

  @Test
  void allKindsFixtureCompiles() {
    CompileResult r =
        new ConfigCompiler(CompileOptions.defaults()).compile(Trees.fixture("all-kinds"));
    assertThat(r.problems()).isEmpty();
    assertThat(r.config().resources())
        .extracting(x -> x.kind())
        .containsOnly(ResourceKind.values());
  }

  @Test
  void invalidDocumentsDoNot() {
    assertThat(validate("id: x\ntrigger: {type: http, method: FETCH}\n", "function")).isNotEmpty();
    assertThat(
            validate(
                "id: " + Trees.CID1 + "\nobject: {size: 1GB}\nstreaming: {size: 1GB}\n", "storage"))
        .isNotEmpty();
    assertThat(
            validate(
                "id: " + Trees.CID1 + "\nfqdn: a.com\ncertificate: {type: inline}\n", "domain"))
        .anySatisfy(s -> assertThat(s).contains("cert"));
    assertThat(validate("id: " + Trees.CID1 + "\nprotocl: /x\n", "service")).isNotEmpty();
  }

  private static List<String> validate(Path file, String kind) throws IOException {
    return validate(Files.readString(file), kind);
  }

  private static List<String> validate(String yaml, String kind) {
    Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    List<String> errors = new ArrayList<>();
    new MiniValidator().check(doc, load(kind + ".schema.json"), "", errors);
    return errors;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> load(String file) {
    try {
      return new ObjectMapper().readValue(DIR.resolve(file).toFile(), Map.class);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The subset of JSON Schema the generated files use. */
  static final class MiniValidator {
    @SuppressWarnings("unchecked")
    void check(Object v, Map<String, Object> s, String at, List<String> errors) {
      if (s.containsKey("$ref")) {
        check(v, load((String) s.get("$ref")), at, errors);
        return;
      }
      Object type = s.get("type");
      if (type != null) {
        List<String> types = type instanceof List<?> l ? (List<String>) l : List.of((String) type);
        if (types.stream().noneMatch(t -> is(v, t))) {
          errors.add(at + ": expected " + types + ", got " + v);
          return;
        }
      }
      if (s.containsKey("enum") && !((List<Object>) s.get("enum")).contains(v)) {
        errors.add(at + ": " + v + " not in " + s.get("enum"));
      }
      if (s.containsKey("pattern") && v instanceof String str) {
        if (!Pattern.compile((String) s.get("pattern")).matcher(str).find()) {
          errors.add(at + ": '" + str + "' does not match " + s.get("pattern"));
        }
      }
      if (v instanceof Map<?, ?> m) {
        Map<String, Object> props = (Map<String, Object>) s.getOrDefault("properties", Map.of());
        for (String r : (List<String>) s.getOrDefault("required", List.of())) {
          if (!m.containsKey(r)) {
            errors.add(at + ": missing " + r);
          }
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
          String k = String.valueOf(e.getKey());
          Object ps = props.get(k);
          if (ps != null) {
            check(e.getValue(), (Map<String, Object>) ps, at + "/" + k, errors);
          } else if (Boolean.FALSE.equals(s.get("additionalProperties"))) {
            errors.add(at + ": unknown " + k);
          } else if (s.get("additionalProperties") instanceof Map<?, ?> ap) {
            check(e.getValue(), (Map<String, Object>) ap, at + "/" + k, errors);
          }
        }
      }
      if (v instanceof List<?> l && s.containsKey("items")) {
        for (int i = 0; i < l.size(); i++) {
          check(l.get(i), (Map<String, Object>) s.get("items"), at + "/" + i, errors);
        }
      }
      for (Object sub : (List<Object>) s.getOrDefault("allOf", List.of())) {
        check(v, (Map<String, Object>) sub, at, errors);
      }
      if (s.containsKey("oneOf")) {
        int ok = 0;
        for (Object sub : (List<Object>) s.get("oneOf")) {
          List<String> e = new ArrayList<>();
          check(v, (Map<String, Object>) sub, at, e);
          ok += e.isEmpty() ? 1 : 0;
        }
        if (ok != 1) {
          errors.add(at + ": matches " + ok + " of oneOf");
        }
      }
      if (s.containsKey("if")) {
        List<String> e = new ArrayList<>();
        check(v, (Map<String, Object>) s.get("if"), at, e);
        if (e.isEmpty() && s.containsKey("then")) {
          check(v, (Map<String, Object>) s.get("then"), at, errors);
        }
      }
    }

    private static boolean is(Object v, String t) {
      return switch (t) {
        case "string" -> v instanceof String;
        case "number" -> v instanceof Number;
        case "integer" ->
            v instanceof Integer || v instanceof Long || v instanceof java.math.BigInteger;
        case "boolean" -> v instanceof Boolean;
        case "null" -> v == null;
        case "array" -> v instanceof List;
        case "object" -> v instanceof Map;
        default -> false;
      };
    }
  }
}
