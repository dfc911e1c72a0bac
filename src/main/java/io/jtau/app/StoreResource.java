package io.jtau.app;

import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * Operator API of the node's content store: {@code POST /api/store/gc?grace=PT1H} reconciles the
 * snapshot pins with the registry and deletes unreferenced blocks older than the grace period,
 * answering what it freed. Operator token only. Blocking; puts wait while it runs.
 */
@Path("/api/store")
@Produces(MediaType.APPLICATION_JSON)
public class StoreResource {

  @Inject Node node;

  /** What a gc freed, as {@code tau store gc --node} prints it. */
  public record GcView(
      long deletedBlocks,
      long freedBytes,
      long keptBlocks,
      int pinsAdded,
      int pinsRemoved,
      String skippedBecause) {}

  @POST
  @Path("/gc")
  public Response gc(@QueryParam("grace") @DefaultValue("PT1H") String grace) {
    Duration d;
    try {
      d = Duration.parse(grace);
    } catch (DateTimeParseException e) {
      return Response.status(400)
          .entity(Map.of("error", "grace: not an ISO-8601 duration (e.g. PT1H): " + grace))
          .build();
    }
    if (d.isNegative()) {
      return Response.status(400).entity(Map.of("error", "grace: must not be negative")).build();
    }
    try {
      PinnedRegistry.GcOutcome o = node.gc(d);
      return Response.ok(
              new GcView(
                  o.report().deletedBlocks(),
                  o.report().freedBytes(),
                  o.report().keptBlocks(),
                  o.pinsAdded(),
                  o.pinsRemoved(),
                  o.report().skippedBecause()))
          .build();
    } catch (IOException e) {
      return Response.status(500).entity(Map.of("error", "gc failed: " + e.getMessage())).build();
    }
  }
}
