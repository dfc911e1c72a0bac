package io.jtau.app;

import io.jtau.model.ProjectKey;
import io.jtau.store.ObjectStorage;
import io.jtau.store.StorageQuotaExceededException;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Operator API of object storages: {@code /api/projects/{project}/storages/{name}/objects/{key}}
 * PUT (body = content; a new version when the storage is versioned), GET ({@code ?version=N}, else
 * the latest) and DELETE (every version); {@code .../objects?prefix=P} lists the latest versions
 * and {@code .../versions/{key}} every version. {@code name} is matched against the project's
 * {@code storages} like a function's {@code storageNew} (exact or anchored regex, first declared
 * wins); the quota is the storage's {@code object.size}. Thread-safe; writes are durable when
 * answered.
 */
@Path("/api/projects/{project}/storages/{name}")
public class StorageResource {

  @Inject Node node;

  private DataPlane.StorageRef storage(
      String project, String name, String branch, String application) {
    ProjectKey key = DataApi.key(node, project, branch);
    String app = DataApi.application(node, key, application);
    try {
      return node.data()
          .storage(key, app, name)
          .orElseThrow(
              () ->
                  DataApi.error(
                      404, "no storage of project " + project + " matches the name " + name));
    } catch (IOException e) {
      throw DataApi.error(409, e.getMessage());
    }
  }

  /** An object version as the API shows it. */
  public record ObjectView(String name, long version, String cid, long size, String created) {
    static ObjectView of(ObjectStorage.ObjectInfo i) {
      return new ObjectView(
          i.name(), i.version(), i.cid().value(), i.size(), i.created().toString());
    }
  }

  @PUT
  @Path("/objects/{key: .+}")
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  public ObjectView put(
      @PathParam("project") String project,
      @PathParam("name") String name,
      @PathParam("key") String key,
      @QueryParam("branch") String branch,
      @QueryParam("application") String application,
      byte[] body) {
    DataPlane.StorageRef s = storage(project, name, branch, application);
    try {
      return ObjectView.of(
          node.data()
              .objects()
              .put(
                  s.projectId(),
                  s.storageId(),
                  key,
                  new ByteArrayInputStream(body == null ? new byte[0] : body)));
    } catch (StorageQuotaExceededException e) {
      throw DataApi.error(507, e.getMessage());
    } catch (IllegalArgumentException e) {
      throw DataApi.error(400, e.getMessage());
    } catch (IOException e) {
      throw DataApi.error(500, e.getMessage());
    }
  }

  @GET
  @Path("/objects/{key: .+}")
  @Produces(MediaType.APPLICATION_OCTET_STREAM)
  public Response get(
      @PathParam("project") String project,
      @PathParam("name") String name,
      @PathParam("key") String key,
      @QueryParam("version") Long version,
      @QueryParam("branch") String branch,
      @QueryParam("application") String application) {
    DataPlane.StorageRef s = storage(project, name, branch, application);
    ObjectStorage objects = node.data().objects();
    try {
      var info =
          version == null
              ? objects.stat(s.projectId(), s.storageId(), key)
              : objects.stat(s.projectId(), s.storageId(), key, version);
      if (info.isEmpty()) {
        throw DataApi.error(
            404,
            "no object "
                + key
                + (version == null ? "" : " version " + version)
                + " in storage "
                + name);
      }
      InputStream in = objects.get(s.projectId(), s.storageId(), key, info.get().version());
      byte[] bytes;
      try (in) {
        bytes = in.readAllBytes();
      }
      return Response.ok(bytes, MediaType.APPLICATION_OCTET_STREAM)
          .header("ETag", "\"" + info.get().cid().value() + "\"")
          .header("X-Version", info.get().version())
          .build();
    } catch (IllegalArgumentException e) {
      throw DataApi.error(400, e.getMessage());
    } catch (IOException e) {
      throw DataApi.error(500, e.getMessage());
    }
  }

  @DELETE
  @Path("/objects/{key: .+}")
  public Response delete(
      @PathParam("project") String project,
      @PathParam("name") String name,
      @PathParam("key") String key,
      @QueryParam("branch") String branch,
      @QueryParam("application") String application) {
    DataPlane.StorageRef s = storage(project, name, branch, application);
    try {
      if (!node.data().objects().delete(s.projectId(), s.storageId(), key)) {
        throw DataApi.error(404, "no object " + key + " in storage " + name);
      }
      return Response.noContent().build();
    } catch (IllegalArgumentException e) {
      throw DataApi.error(400, e.getMessage());
    } catch (IOException e) {
      throw DataApi.error(500, e.getMessage());
    }
  }

  @GET
  @Path("/objects")
  @Produces(MediaType.APPLICATION_JSON)
  public Map<String, Object> list(
      @PathParam("project") String project,
      @PathParam("name") String name,
      @QueryParam("prefix") String prefix,
      @QueryParam("branch") String branch,
      @QueryParam("application") String application) {
    DataPlane.StorageRef s = storage(project, name, branch, application);
    ObjectStorage objects = node.data().objects();
    List<ObjectView> out = new ArrayList<>();
    for (var i : objects.list(s.projectId(), s.storageId(), prefix == null ? "" : prefix)) {
      out.add(ObjectView.of(i));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("storage", name);
    m.put("objects", out);
    m.put("usedBytes", objects.used(s.projectId(), s.storageId()));
    m.put("quotaBytes", s.resource().sizeBytes());
    return m;
  }

  @GET
  @Path("/versions/{key: .+}")
  @Produces(MediaType.APPLICATION_JSON)
  public List<ObjectView> versions(
      @PathParam("project") String project,
      @PathParam("name") String name,
      @PathParam("key") String key,
      @QueryParam("branch") String branch,
      @QueryParam("application") String application) {
    DataPlane.StorageRef s = storage(project, name, branch, application);
    try {
      List<ObjectView> out = new ArrayList<>();
      for (var i : node.data().objects().versions(s.projectId(), s.storageId(), key)) {
        out.add(ObjectView.of(i));
      }
      if (out.isEmpty()) {
        throw DataApi.error(404, "no object " + key + " in storage " + name);
      }
      return out;
    } catch (IllegalArgumentException e) {
      throw DataApi.error(400, e.getMessage());
    }
  }
}
