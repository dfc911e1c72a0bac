package io.jtau.app.cli;

import io.jtau.app.Main;
import io.jtau.app.NodeShape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tau start -s SHAPE}: runs a node from its configuration file. */
@Command(
    name = "start",
    mixinStandardHelpOptions = true,
    description = "Start a node from <root>/config/<shape>.yaml (see tau config generate).")
public class StartCommand implements Callable<Integer> {

  @Option(
      names = "--root",
      description = "Node root folder (default: ${DEFAULT-VALUE}).",
      defaultValue = "${user.home}/.jtau/node")
  Path root;

  @Option(
      names = {"-s", "--shape"},
      required = true,
      description = "Shape to start.")
  String shape;

  @Override
  public Integer call() {
    ConfigCommand.Where where = new ConfigCommand.Where();
    where.root = root;
    where.shape = shape;
    List<String> problems = ConfigCommand.check(where);
    if (!problems.isEmpty()) {
      problems.forEach(p -> System.err.println("tau start: " + p));
      return 1;
    }
    NodeShape s;
    try {
      s = NodeShape.read(NodeShape.file(root, shape));
    } catch (IOException e) {
      System.err.println("tau start: " + e.getMessage());
      return 1;
    }
    System.setProperty("jtau.data-dir", s.dataDir());
    System.setProperty("jtau.fqdn", s.networkFqdn());
    System.setProperty("jtau.branches", String.join(",", s.branches()));
    if (s.operatorTokenFile() != null) {
      System.setProperty("jtau.access.operator-token-file", s.operatorTokenFile());
    }
    System.setProperty("quarkus.http.port", Integer.toString(s.httpPort()));
    System.setProperty("quarkus.http.host", s.ip());
    System.out.println(
        "tau start: shape "
            + shape
            + " on "
            + s.ip()
            + ":"
            + s.httpPort()
            + ", data in "
            + s.dataDir());
    return Main.boot();
  }
}
