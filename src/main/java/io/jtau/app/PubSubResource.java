package io.jtau.app;

import io.jtau.model.ProjectKey;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Publishes on a project's channel over HTTP: {@code POST
 * /api/projects/{project}/channels/{channel}} with the message as body. The channel must be matched
 * by one of the project's {@code messaging} resources (exact or anchored regex); subscribed
 * functions and WebSocket clients receive it. The publisher is recorded as {@code http}.
 * Non-blocking; thread-safe.
 */
@Path("/api/projects/{project}/channels/{channel: .+}")
public class PubSubResource {

  @Inject Node node;

  @POST
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  public Map<String, Object> publish(
      @PathParam("project") String project,
      @PathParam("channel") String channel,
      @QueryParam("branch") String branch,
      @QueryParam("application") String application,
      byte[] body) {
    ProjectKey key = DataApi.key(node, project, branch);
    String app = DataApi.application(node, key, application);
    byte[] data = body == null ? new byte[0] : body;
    String refused = node.data().publish(key, app, channel, "http", data);
    if (refused != null) {
      throw DataApi.error(404, refused);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("channel", channel);
    out.put("bytes", data.length);
    return out;
  }
}
