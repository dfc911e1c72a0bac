package io.jtau.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

public class DbCommandTest {

  public record Run(int exit, String out, String err) {}

  public static Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      CommandLine cl = new CommandLine(new TauCommand());
      cl.setOut(new java.io.PrintWriter(System.out, true));
      cl.setErr(new java.io.PrintWriter(System.err, true));
      int exit = cl.execute(args);
      return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void help_lists_the_actions() {
    Run r = run("db", "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("tau db put --project P DB KEY VALUE").contains("--node");
  }

  @Test
  void bad_usage_is_refused_before_any_request() {
    assertThat(run("db", "put", "--project", "kv", "visits").err())
        .contains("tau db: put needs a KEY");
    assertThat(run("db", "put", "--project", "kv", "visits", "k").err())
        .contains("tau db: put needs a VALUE (or - for stdin)");
    Run unknown =
        run("db", "frob", "--project", "kv", "visits", "k", "--node", "http://127.0.0.1:9");
    assertThat(unknown.exit()).isEqualTo(64);
    assertThat(unknown.err()).contains("unknown action frob (put, get, list or delete)");
    assertThat(run("db", "get", "visits", "k").exit()).as("--project is required").isNotZero();
  }

  @Test
  void an_unreachable_node_exits_2() {
    Run r = run("db", "get", "--project", "kv", "--node", "http://127.0.0.1:9", "visits", "k");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("cannot reach the node at http://127.0.0.1:9");
  }
}
