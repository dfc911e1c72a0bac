package io.jtau.app.cli;

import picocli.CommandLine.Option;

/**
 * The options every command that talks to a running node shares (a picocli mixin): which node and
 * which token. Both fall back as {@link NodeClient#locate} says: {@code $TAU_NODE} / {@code
 * $TAU_TOKEN}, else the {@code tau dream} running on this machine (its {@code dream.json}).
 */
public class NodeOptions {

  @Option(names = "--node", description = "Node URL (default: $TAU_NODE, else the local dream).")
  String node;

  @Option(
      names = "--token",
      description = "API token (default: $TAU_TOKEN, else the local dream's operator token).")
  String token;

  /** A client for the chosen node. */
  NodeClient client() throws NodeClient.NodeException {
    return NodeClient.locate(node, token);
  }
}
