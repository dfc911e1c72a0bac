package io.jtau.build;

import io.jtau.build.LanguageBuilder.BuildFailure;
import io.jtau.model.RepoTree;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What one build attempt works with: the resource, its sources, the log, cancellation, and (made on
 * first use) a fresh workspace holding the sources, in which processes run through the sandbox
 * under one deadline. Not thread-safe: one attempt uses it; closing deletes the workspace.
 */
public final class BuildContext implements AutoCloseable {

  private final String kind;
  private final String resourceName;
  private final RepoTree sources;
  private final Map<String, String> settings;
  private final BuildLog log;
  private final JobControl control;
  private final Sandbox sandbox;
  private final long deadlineNanos;
  private Workspace workspace;

  public BuildContext(
      String kind,
      String resourceName,
      RepoTree sources,
      Map<String, String> settings,
      BuildLog log,
      JobControl control,
      Sandbox sandbox,
      long deadlineNanos) {
    this.kind = kind;
    this.resourceName = resourceName;
    this.sources = sources;
    this.settings = Map.copyOf(settings);
    this.log = log;
    this.control = control;
    this.sandbox = sandbox;
    this.deadlineNanos = deadlineNanos;
  }

  /** {@code function}, {@code library}, {@code website} or {@code smartop}. */
  public String kind() {
    return kind;
  }

  public String resourceName() {
    return resourceName;
  }

  public RepoTree sources() {
    return sources;
  }

  public Map<String, String> settings() {
    return settings;
  }

  public BuildLog log() {
    return log;
  }

  public JobControl control() {
    return control;
  }

  public Sandbox sandbox() {
    return sandbox;
  }

  /** The workspace with the sources written into {@code src}; made on first call. */
  public Workspace workspace() throws BuildFailure {
    if (workspace == null) {
      try {
        workspace = sandbox.open();
        workspace.writeSources(sources);
      } catch (IOException e) {
        throw new BuildFailure("cannot prepare the build folder: " + e.getMessage(), e);
      }
    }
    return workspace;
  }

  /**
   * Runs a process in the workspace, its output going to the log.
   *
   * @return the exit code (0 or not); limits, cancellation and refusals become a {@link
   *     BuildFailure} with the right reason
   */
  public int run(Sandbox.Step step) throws BuildFailure {
    Workspace ws = workspace();
    if (control.cancelled()) {
      throw new BuildFailure(BuildFailure.Reason.CANCELLED, "cancelled");
    }
    log.append(BuildLog.STEP, step.label() + ": " + String.join(" ", step.command()));
    Sandbox.Result r;
    try {
      r = sandbox.run(ws, step, control, log::out, deadlineNanos);
    } catch (Sandbox.Refused e) {
      throw new BuildFailure(e.getMessage());
    } catch (IOException e) {
      throw new BuildFailure(step.label() + ": cannot start: " + e.getMessage(), e);
    }
    Sandbox.Limits l = sandbox.config().limits();
    return switch (r.ending()) {
      case EXITED -> r.exitCode();
      case CANCELLED -> throw new BuildFailure(BuildFailure.Reason.CANCELLED, "cancelled");
      case WALL_TIME ->
          throw new BuildFailure(
              BuildFailure.Reason.TIMED_OUT,
              step.label()
                  + ": killed at the build's wall-time limit of "
                  + l.wallTime().toSeconds()
                  + " s");
      case CPU_TIME ->
          throw new BuildFailure(
              BuildFailure.Reason.TIMED_OUT,
              step.label() + ": killed at the CPU-time limit of " + l.cpuSeconds() + " s");
      case FILE_SIZE ->
          throw new BuildFailure(
              step.label()
                  + ": a file grew past the file-size limit of "
                  + l.maxFileBytes()
                  + " bytes");
    };
  }

  /** Runs a toolchain command; a non-zero exit fails the build, naming the tool. */
  public void tool(String label, List<String> command, List<Path> readOnly) throws BuildFailure {
    int code = run(new Sandbox.Step(label, command, Map.of(), false, false, readOnly));
    if (code != 0) {
      throw new BuildFailure(
          resourceName + ": " + label + " failed (exit " + code + "); see the build log");
    }
  }

  @Override
  public void close() {
    if (workspace != null) {
      try {
        workspace.close();
      } catch (IOException e) {
        log.error("could not delete the build folder: " + e.getMessage());
      }
      workspace = null;
    }
  }
}
