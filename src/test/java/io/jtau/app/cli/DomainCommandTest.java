package io.jtau.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DomainCommandTest {

  String run(String... args) {
    CommandLine cl = TauCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return code + "\n" + out + err;
  }

  @Test
  void helpNamesTheTxtRecord() {
    String help = run("domain", "claim", "--help");
    assertThat(help).startsWith("0\n").contains("--project").contains("Claim FQDN for a project");
    assertThat(run("domain", "--help")).contains("_jtau.<fqdn>").contains("verify");
  }

  @Test
  void certHelpNamesTheStates() {
    assertThat(run("domain", "cert", "--help"))
        .startsWith("0\n")
        .contains("--request")
        .contains("renewal-due")
        .contains("not-eligible");
    assertThat(run("domain", "cert", "www.example.com", "-p", "x", "--node", "http://127.0.0.1:1"))
        .startsWith("2\n");
  }

  @Test
  void theProjectIsRequired() {
    assertThat(run("domain", "verify", "www.example.com"))
        .startsWith("2\n")
        .contains("Missing required option: '--project=<project>'");
  }

  @Test
  void anUnreachableNodeExitsWith2() {
    assertThat(run("domain", "claim", "www.example.com", "-p", "x", "--node", "http://127.0.0.1:1"))
        .startsWith("2\n");
  }
}
