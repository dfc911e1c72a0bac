package io.jtau.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResourceMatchTest {

  @ParameterizedTest(name = "{0}: match={1} regex={2} name={3} -> {4}")
  @CsvSource(
      delimiter = ';',
      value = {
        "exact equal         ; users     ; false; users      ; true",
        "exact differs       ; users     ; false; users2     ; false",
        "exact is not a regex; user.     ; false; users      ; false",
        "empty never matches ; ''        ; false; ''         ; false",
        "regex whole name    ; /basic/.* ; true ; /basic/v1  ; true",
        "regex is anchored   ; /basic/.* ; true ; x/basic/v1 ; false",
        "regex anchored end  ; users     ; true ; users2     ; false",
        "regex alternatives  ; 'a(b|c)'  ; true ; ac         ; true",
        "dot skips newline   ; .*        ; true ; 'a\nb'     ; false",
        "invalid regex       ; users(    ; true ; users(     ; false",
      })
  void matching(String name, String match, boolean regex, String given, boolean then) {
    assertThat(ResourceMatch.matches(match, regex, given.replace("\\n", "\n"))).isEqualTo(then);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "proj-123,app-456,QmRPV8x4UtEg7w9qmnQU2xKW2FGazsPmxPfHG2MeQLKwNC",
    "proj-123,'',QmecJvLd2xNd3G5ts1xCK1GvimxXf4zG6XBHiHXXzVj4H3"
  })
  void project_hash_of_guest_abi_5_4(String project, String app, String hash) {
    assertThat(ResourceMatch.projectHash(project, app)).isEqualTo(hash);
  }

  @org.junit.jupiter.api.Test
  void overlong_names_match_nothing() {
    assertThat(ResourceMatch.matches(".*", true, "x".repeat(ResourceMatch.MAX_NAME_CHARS + 1)))
        .isFalse();
  }
}
