package io.jtau.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code tau store} commands as a user runs them, without booting the node. */
class StoreCommandTest {

  @TempDir Path dir;

  @Test
  void add_prints_the_cid_and_cat_writes_the_bytes() throws Exception {
    Path file = Files.writeString(dir.resolve("f.txt"), "Hello, world!");
    String data = dir.resolve("data").toString();

    StringWriter out = new StringWriter();
    CommandLine cli = TauCommand.commandLine();
    cli.setOut(new PrintWriter(out));
    int code = cli.execute("store", "add", "--data-dir", data, file.toString());
    assertThat(code).isZero();
    assertThat(out.toString().trim())
        .isEqualTo("bafybeidv23lyayv4rdysncmjvqh3w46dysaruzqnkageemmc5xu2sywrya");

    StoreCommand.Cat cat = new StoreCommand.Cat();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    cat.out = bytes;
    code =
        new CommandLine(cat)
            .execute(
                "--data-dir", data, "bafybeidv23lyayv4rdysncmjvqh3w46dysaruzqnkageemmc5xu2sywrya");
    assertThat(code).isZero();
    assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("Hello, world!");

    StringWriter verify = new StringWriter();
    CommandLine v = TauCommand.commandLine();
    v.setOut(new PrintWriter(verify));
    assertThat(v.execute("store", "verify", "--data-dir", data)).isZero();
    assertThat(verify.toString()).contains("checked 1 blocks");

    StringWriter gc = new StringWriter();
    CommandLine g = TauCommand.commandLine();
    g.setOut(new PrintWriter(gc));
    assertThat(g.execute("store", "gc", "--data-dir", data, "--grace", "PT0S")).isZero();
    assertThat(gc.toString()).contains("deleted 0 blocks");
  }

  @Test
  void help_documents_the_default_data_folder() {
    StringWriter out = new StringWriter();
    CommandLine cli = TauCommand.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.execute("store", "add", "--help");
    assertThat(out.toString()).contains("${user.home}/.jtau/store");
  }
}
