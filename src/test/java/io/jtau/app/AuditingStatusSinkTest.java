package io.jtau.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtau.model.HistoryEntry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How a revision going live is named in the audit log. */
class AuditingStatusSinkTest {

  @ParameterizedTest(name = "{0}: {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          first deploy         | r1          | deploy
          new revision         | r2 r1       | deploy
          revert to r1         | r1 r2 r1    | rollback
          same again (restart) | r2 r2 r1    | redeploy
          older revision       | r1 r3 r2 r1 | rollback
          """)
  void classify(String name, String newestFirst, String action) {
    List<HistoryEntry> h = new ArrayList<>();
    long seq = 100;
    for (String r : newestFirst.split(" ")) {
      h.add(new HistoryEntry(seq--, r, "c", "", 0));
    }
    assertThat(AuditingStatusSink.classify(h)).isEqualTo(action);
  }
}
