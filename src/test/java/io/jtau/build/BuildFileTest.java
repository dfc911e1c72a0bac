package io.jtau.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The .taubyte/config.yaml contract, as a table. */
class BuildFileTest {

  static final String P = ".taubyte/config.yaml";

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          environment image            | environment: {image: taubyte/go-wasi:v1, variables: {A: x}}        | taubyte/go-wasi:v1 | {A=x}
          misspelt used when image empty | environment: {image: ''}\\nenviroment: {image: node:18, variables: {B: y}} | node:18 | {B=y}
          misspelt alone               | enviroment: {image: taubyte/rust-wasi, variables: {C: z}}          | taubyte/rust-wasi  | {C=z}
          environment wins over misspelt | environment: {image: a}\\nenviroment: {image: b, variables: {D: w}} | a                  | {}
          no environment               | version: 1                                                          | ''                 | {}
          """)
  void environmentAndItsMisspelling(String name, String yaml, String image, String vars)
      throws Exception {
    BuildFile f = BuildFile.parse(P, yaml.replace("\\n", "\n"));
    assertThat(f.image()).isEqualTo(image);
    assertThat(f.variables().toString()).isEqualTo(vars);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          parent path         | workflow: ['../../x']             | .taubyte/config.yaml:1:12: workflow step '../../x' is not a valid step name
          slash               | workflow:\\n  - a/b               | .taubyte/config.yaml:2:5: workflow step 'a/b' is not a valid step name
          dot dot inside      | workflow: [a..b]                  | .taubyte/config.yaml:1:12: workflow step 'a..b' is not a valid step name
          absolute            | workflow: [/etc/x]                | .taubyte/config.yaml:1:12: workflow step '/etc/x' is not a valid step name
          not a list          | workflow: build                   | .taubyte/config.yaml:1:11: workflow must be a list of step names
          reserved variable   | environment: {variables: {OUT: /}} | .taubyte/config.yaml:1:27: environment.variables: 'OUT' is not an allowed variable name
          bad network         | environment: {network: maybe}     | .taubyte/config.yaml:1:24: environment.network must be true or false
          not yaml            | 'workflow: [a'                    | .taubyte/config.yaml: not valid YAML
          """)
  void badBuildFilesNameLineAndField(String name, String yaml, String error) {
    assertThatThrownBy(() -> BuildFile.parse(P, yaml.replace("\\n", "\n")))
        .isInstanceOf(LanguageBuilder.BuildFailure.class)
        .hasMessageStartingWith(error);
  }

  @org.junit.jupiter.api.Test
  void stepsNeedTheirScript() {
    var tree = BuildFixture.tree(P, "workflow: [build, test]\n", ".taubyte/build.sh", "true\n");
    assertThatThrownBy(() -> BuildFile.find(tree))
        .hasMessage(".taubyte/config.yaml: workflow step 'test' has no script .taubyte/test.sh");
  }

  @org.junit.jupiter.api.Test
  void legacyFolderAndNetworkExtension() throws Exception {
    var tree =
        BuildFixture.tree(
            "taubyte/config.yaml",
            "environment:\n  image: node\n  network: true\nworkflow:\n  - build\n",
            "taubyte/build.sh",
            "true\n");
    BuildFile f = BuildFile.find(tree).orElseThrow();
    assertThat(f.folder()).isEqualTo("taubyte");
    assertThat(f.workflow()).isEqualTo(List.of("build"));
    assertThat(f.network()).isTrue();
    assertThat(f.variables()).isEqualTo(Map.of());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "taubyte/go-wasi:latest, go",
    "taubyte/rust-wasi, rust",
    "taubyte/assemblyscript:0.1, assemblyscript",
    "node:18-alpine, node",
    "taubyte/c-wasi, clang",
    "alpine:3, base",
    "'', base"
  })
  void imagesMapToLocalToolchains(String image, String toolchain) {
    assertThat(Images.resolve(image, java.nio.file.Path.of("/x/node_modules/.bin")).name())
        .isEqualTo(toolchain);
  }
}
