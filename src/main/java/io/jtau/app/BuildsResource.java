package io.jtau.app;

import io.jtau.build.BuildJobs;
import io.jtau.build.BuildLog;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * Build jobs over HTTP: list, one job, cancel, retry, and the log of a job's current attempt as
 * plain text or as Server-Sent Events ({@code ?follow=true} keeps the stream open until the job
 * ends). Each SSE event's data is one JSON log event ({@code seq}, {@code at}, {@code type}, {@code
 * text}); the stream ends with a {@code {"type":"end","state":...}} event.
 */
@Path("/api/builds")
@Produces(MediaType.APPLICATION_JSON)
public class BuildsResource {

  @Inject Node node;

  /** A job as the API shows it (times in ISO-8601, state as users read it). */
  public record JobView(
      String id,
      String project,
      String resource,
      String kind,
      String state,
      int attempts,
      String createdAt,
      String startedAt,
      String endedAt,
      Long durationMs,
      String message,
      String artifact,
      String log,
      String rawLog) {

    static JobView of(BuildJobs.Job j) {
      return new JobView(
          j.id(),
          j.project(),
          j.resource(),
          j.kind(),
          j.state().label(),
          j.attempts(),
          Instant.ofEpochMilli(j.createdAt()).toString(),
          j.startedAt() == null ? null : Instant.ofEpochMilli(j.startedAt()).toString(),
          j.endedAt() == null ? null : Instant.ofEpochMilli(j.endedAt()).toString(),
          j.startedAt() == null || j.endedAt() == null ? null : j.endedAt() - j.startedAt(),
          j.message(),
          j.artifact(),
          j.log(),
          j.rawLog());
    }
  }

  @GET
  public List<JobView> list(@QueryParam("project") String project) {
    return jobs().list(Optional.ofNullable(project).filter(p -> !p.isBlank())).stream()
        .map(JobView::of)
        .toList();
  }

  @GET
  @Path("/{id}")
  public JobView get(@PathParam("id") String id) {
    return JobView.of(jobs().get(id).orElseThrow(() -> notFound(id)));
  }

  @POST
  @Path("/{id}/cancel")
  public JobView cancel(@PathParam("id") String id) {
    return JobView.of(jobs().cancel(id).orElseThrow(() -> notFound(id)));
  }

  @POST
  @Path("/{id}/retry")
  public JobView retry(@PathParam("id") String id) {
    jobs().get(id).orElseThrow(() -> notFound(id));
    try {
      return JobView.of(jobs().retry(id));
    } catch (BuildJobs.RetryRefused e) {
      throw new WebApplicationException(
          Response.status(Response.Status.CONFLICT)
              .type(MediaType.TEXT_PLAIN)
              .entity(e.getMessage())
              .build());
    }
  }

  /**
   * The log as text: output lines bare, other events tagged ({@code [step] ...}). Like every
   * answer, passed through the node's redactor: a build that prints a known secret shows {@code
   * <redacted>}.
   */
  @GET
  @Path("/{id}/logs")
  @Produces(MediaType.TEXT_PLAIN)
  public String logText(@PathParam("id") String id) {
    return node.redactor().redact(jobs().log(id).orElseThrow(() -> notFound(id)).text());
  }

  /** The log as Server-Sent Events; with {@code follow=true}, live until the job ends. */
  @GET
  @Path("/{id}/logs")
  @Produces(MediaType.SERVER_SENT_EVENTS)
  @RestStreamElementType(MediaType.APPLICATION_JSON)
  public Multi<String> logEvents(@PathParam("id") String id, @QueryParam("follow") boolean follow) {
    BuildLog log = jobs().log(id).orElseThrow(() -> notFound(id));
    return Multi.createFrom()
        .emitter(
            em -> {
              Runnable end =
                  () -> {
                    String state = jobs().get(id).map(j -> j.state().label()).orElse("unknown");
                    em.emit("{\"type\":\"end\",\"state\":\"" + state + "\"}");
                    em.complete();
                  };
              if (!follow) {
                log.events().forEach(e -> em.emit(redacted(e)));
                if (log.ended()) {
                  end.run();
                } else {
                  em.complete();
                }
                return;
              }
              BuildLog.Subscription sub = log.follow(0, e -> em.emit(redacted(e)), end);
              em.onTermination(sub::close);
            });
  }

  private String redacted(BuildLog.Event e) {
    // Redacted before JSON encoding, so a secret with characters JSON escapes is still found.
    return BuildLog.json(
        new BuildLog.Event(e.seq(), e.at(), e.type(), node.redactor().redact(e.text())));
  }

  private BuildJobs jobs() {
    return node.buildJobs();
  }

  private static NotFoundException notFound(String id) {
    return new NotFoundException("no build job " + id);
  }
}
