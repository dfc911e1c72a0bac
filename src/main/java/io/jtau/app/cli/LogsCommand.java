package io.jtau.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tau logs [-f] JOB}: a build job's log, followed live with {@code -f}. */
@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    description = {
      "Print a build job's log (its current or last attempt). Output lines are printed as they"
          + " are; other events are tagged: [step], [info], [error].",
      "With -f, stream the log live (Server-Sent Events) until the job ends; the exit code is 0"
          + " when it succeeded, 1 otherwise.",
      "Example: tau logs -f b-7k2mq9xw4r"
    })
public class LogsCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Parameters(index = "0", paramLabel = "JOB", description = "The job id (see tau builds).")
  String job;

  @Option(
      names = {"-f", "--follow"},
      description = "Follow the log until the job ends.")
  boolean follow;

  @Mixin NodeOptions connection;

  @Option(
      names = "--json",
      description =
          "Print JSON: without -f one document {job, log}; with -f one event per line as the"
              + " node sends it ({type, text} ..., then {type: end, state}).")
  boolean json;

  PrintStream out = System.out;

  @Override
  public Integer call() {
    try {
      NodeClient c = connection.client();
      if (!follow) {
        String text = c.text("/api/builds/" + job + "/logs");
        if (json) {
          java.util.Map<String, String> doc = new java.util.LinkedHashMap<>();
          doc.put("job", job);
          doc.put("log", text);
          out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc));
          return 0;
        }
        out.print(text);
        out.flush();
        return 0;
      }
      String[] state = {""};
      c.events(
          "/api/builds/" + job + "/logs?follow=true",
          data -> {
            JsonNode e;
            try {
              e = JSON.readTree(data);
            } catch (IOException ex) {
              out.println(data);
              return true;
            }
            if (json) {
              out.println(e.toString());
              out.flush();
            }
            String type = e.path("type").asText();
            if (type.equals("end")) {
              state[0] = e.path("state").asText();
              return false;
            }
            if (json) {
              return true;
            }
            String text = e.path("text").asText();
            out.println(type.equals("out") ? text : "[" + type + "] " + text);
            out.flush();
            return true;
          });
      return state[0].equals("succeeded") ? 0 : 1;
    } catch (NodeClient.NodeException e) {
      System.err.println("tau logs: " + e.getMessage());
      return e.exitCode;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      System.err.println("tau logs: " + e.getMessage());
      return 1;
    }
  }
}
