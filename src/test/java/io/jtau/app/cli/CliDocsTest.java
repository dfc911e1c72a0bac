package io.jtau.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code docs/cli.md} is generated from the picocli model of every command: this test fails when it
 * is stale. Regenerate with {@code mvn test -Dtest=CliDocsTest -Djtau.docs.write=true}.
 */
class CliDocsTest {

  static final Path FILE = Path.of("docs/cli.md");

  static String render() {
    StringBuilder b = new StringBuilder();
    b.append("# tau command line\n\n");
    b.append("Generated from the commands themselves by `CliDocsTest`; do not edit by hand.\n");
    b.append(
        "Commands that talk to a node find it from `--node URL`, else `$TAU_NODE`, else the\n");
    b.append("`tau dream` running on this machine (its `dream.json`). `dream` and `start` run a\n");
    b.append("node; every other command runs as plain Java and binds no port.\n");
    append(b, TauCommand.commandLine(), "tau");
    // Defaults under the user's home differ per machine; the reference shows them as ~.
    return b.toString().replace(System.getProperty("user.home"), "~");
  }

  private static void append(StringBuilder b, CommandLine cl, String path) {
    String usage =
        cl.getUsageMessage(CommandLine.Help.Ansi.OFF).replace("\r\n", "\n").stripTrailing();
    b.append("\n## `").append(path).append("`\n\n```\n").append(usage).append("\n```\n");
    for (var e : cl.getSubcommands().entrySet()) {
      if (e.getKey().equals("help") || !e.getValue().getCommandName().equals(e.getKey())) {
        continue;
      }
      append(b, e.getValue(), path + " " + e.getKey());
    }
  }

  @Test
  void cliReferenceIsUpToDate() throws IOException {
    String text = render();
    if (Boolean.getBoolean("jtau.docs.write")) {
      Files.writeString(FILE, text, StandardCharsets.UTF_8);
    }
    assertThat(Files.readString(FILE, StandardCharsets.UTF_8))
        .as("docs/cli.md is stale: run mvn test -Dtest=CliDocsTest -Djtau.docs.write=true")
        .isEqualTo(text);
  }

  @Test
  void everyCommandHasADescription() {
    check(TauCommand.commandLine());
  }

  private static void check(CommandLine cl) {
    assertThat(cl.getCommandSpec().usageMessage().description())
        .as("description of %s", cl.getCommandName())
        .isNotEmpty();
    cl.getSubcommands().values().stream()
        .filter(c -> !c.getCommandName().equals("help"))
        .forEach(CliDocsTest::check);
  }
}
