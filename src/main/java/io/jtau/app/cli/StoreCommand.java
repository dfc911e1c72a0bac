package io.jtau.app.cli;

import io.jtau.model.Cid;
import io.jtau.store.FileContentStore;
import io.jtau.store.StoreTool;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tau store}: the local content-addressed store. Plain Java, no node boot. Every subcommand
 * takes {@code --data-dir} (default {@code ${user.home}/.jtau/store}).
 */
@Command(
    name = "store",
    mixinStandardHelpOptions = true,
    description = {
      "The local content-addressed store (IPFS UnixFS CIDv1, verified on every read).",
      "Data folder: --data-dir DIR, default $${user.home}/.jtau/store."
    },
    subcommands = {
      StoreCommand.Add.class,
      StoreCommand.Cat.class,
      StoreCommand.Gc.class,
      StoreCommand.Verify.class
    })
public class StoreCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The data folder option shared by the subcommands. */
  static class DataDir {
    @Option(
        names = "--data-dir",
        paramLabel = "DIR",
        description = "Store folder (default: $${user.home}/.jtau/store).")
    Path dir;

    Path resolve() {
      return dir != null ? dir : StoreTool.defaultDataDir();
    }
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description =
          "Stores and pins FILE; prints its CID (same as `ipfs add --cid-version=1 --raw-leaves=false`).")
  static class Add implements Callable<Integer> {
    @CommandLine.Mixin DataDir dataDir;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE")
    Path file;

    @Override
    public Integer call() throws Exception {
      try (StoreTool tool = new StoreTool(dataDir.resolve())) {
        spec.commandLine().getOut().println(tool.add(file).value());
      }
      return 0;
    }
  }

  @Command(
      name = "cat",
      mixinStandardHelpOptions = true,
      description = "Writes the verified content of CID to standard output.")
  static class Cat implements Callable<Integer> {
    @CommandLine.Mixin DataDir dataDir;

    @Parameters(paramLabel = "CID")
    String cid;

    /** Where bytes go; standard output unless a test sets it. */
    OutputStream out = System.out;

    @Override
    public Integer call() throws Exception {
      try (StoreTool tool = new StoreTool(dataDir.resolve())) {
        tool.cat(new Cid(cid), out);
        out.flush();
      }
      return 0;
    }
  }

  @Command(
      name = "gc",
      mixinStandardHelpOptions = true,
      description = {
        "Deletes blocks that no pin reaches and that are older than the grace period; prints what"
            + " it freed.",
        "With --node, asks a running node (whose store is locked while it runs): it first pins"
            + " every asset of every snapshot its registry keeps and unpins pruned ones.",
        "Without --node, works on the store folder directly (pins as the node last left them)."
      })
  static class Gc implements Callable<Integer> {
    @CommandLine.Mixin DataDir dataDir;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--grace",
        defaultValue = "PT1H",
        description =
            "Keep unpinned blocks younger than this (ISO-8601, default ${DEFAULT-VALUE}).")
    Duration grace;

    @Mixin NodeOptions connection;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      if (connection.node != null) {
        try {
          com.fasterxml.jackson.databind.JsonNode r =
              connection.client().post("/api/store/gc?grace=" + grace);
          if (!r.path("skippedBecause").isNull() && !r.path("skippedBecause").isMissingNode()) {
            spec.commandLine().getErr().println("gc skipped: " + r.path("skippedBecause").asText());
            return 1;
          }
          out.printf(
              "deleted %d blocks (%d bytes), kept %d; snapshot pins: %d added, %d removed%n",
              r.path("deletedBlocks").asLong(),
              r.path("freedBytes").asLong(),
              r.path("keptBlocks").asLong(),
              r.path("pinsAdded").asInt(),
              r.path("pinsRemoved").asInt());
          return 0;
        } catch (NodeClient.NodeException e) {
          spec.commandLine().getErr().println(e.getMessage());
          return e.exitCode;
        }
      }
      try (StoreTool tool = new StoreTool(dataDir.resolve())) {
        FileContentStore.GcReport r = tool.gc(grace);
        if (r.skippedBecause() != null) {
          spec.commandLine().getErr().println("gc skipped: " + r.skippedBecause());
          return 1;
        }
        out.printf(
            "deleted %d blocks (%d bytes), kept %d%n",
            r.deletedBlocks(), r.freedBytes(), r.keptBlocks());
      }
      return 0;
    }
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = "Reads and hashes every block; quarantines corrupt ones. Exit 1 if any is bad.")
  static class Verify implements Callable<Integer> {
    @CommandLine.Mixin DataDir dataDir;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      try (StoreTool tool = new StoreTool(dataDir.resolve())) {
        FileContentStore.VerifyReport r = tool.verify();
        PrintWriter out = spec.commandLine().getOut();
        out.printf("checked %d blocks%n", r.checkedBlocks());
        r.corrupt().forEach(c -> out.println("corrupt " + c + " (quarantined)"));
        r.missing().forEach(c -> out.println("missing " + c));
        return r.healthy() ? 0 : 1;
      }
    }
  }
}
