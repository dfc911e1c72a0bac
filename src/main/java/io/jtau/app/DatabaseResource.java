package io.jtau.app;

import io.jtau.model.ProjectKey;
import io.jtau.runtime.kv.DatabaseFullException;
import io.jtau.runtime.kv.KvDatabase;
import io.jtau.runtime.kv.KvStore;
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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Operator API of key/value databases: {@code /api/projects/{project}/databases/{name}/keys/{key}}
 * GET, PUT (body = value) and DELETE, and {@code .../keys?prefix=P&limit=N} to list keys. {@code
 * name} is resolved like a function's {@code newDatabase} call against the project's current config
 * (exact or anchored regex, first declared wins); {@code ?application=} (name or id) looks from an
 * application's scope, {@code ?branch=} picks a served branch. Keys are the UTF-8 bytes of the
 * decoded path segment. Thread-safe; writes are durable when the answer is sent.
 */
@Path("/api/projects/{project}/databases/{name}")
public class DatabaseResource {

  @Inject Node node;

  private KvDatabase db(String project, String name, String branch, String application) {
    ProjectKey key = DataApi.key(node, project, branch);
    String app = DataApi.application(node, key, application);
    try {
      return node.data()
          .database(key, app, name)
          .orElseThrow(
              () ->
                  DataApi.error(
                      404, "no database of project " + project + " matches the name " + name));
    } catch (IOException | IllegalArgumentException e) {
      throw DataApi.error(500, "database " + name + ": " + e.getMessage());
    }
  }

  @GET
  @Path("/keys/{key: .+}")
  @Produces(MediaType.APPLICATION_OCTET_STREAM)
  public Response get(
      @PathParam("project") String project,
      @PathParam("name") String name,
      @PathParam("key") String key,
      @QueryParam("branch") String branch,
      @QueryParam("application") String application) {
    try {
      byte[] v = db(project, name, branch, application).get(utf8(key));
      if (v == null) {
        throw DataApi.error(404, "no key " + key + " in database " + name);
      }
      return Response.ok(v, MediaType.APPLICATION_OCTET_STREAM).build();
    } catch (IOException e) {
      throw DataApi.error(400, e.getMessage());
    }
  }

  @PUT
  @Path("/keys/{key: .+}")
  @Consumes(MediaType.WILDCARD)
  public Response put(
      @PathParam("project") String project,
      @PathParam("name") String name,
      @PathParam("key") String key,
      @QueryParam("branch") String branch,
      @QueryParam("application") String application,
      byte[] body) {
    try {
      db(project, name, branch, application).put(utf8(key), body == null ? new byte[0] : body);
      return Response.noContent().build();
    } catch (DatabaseFullException e) {
      throw DataApi.error(507, e.getMessage());
    } catch (IOException e) {
      throw DataApi.error(400, e.getMessage());
    }
  }

  @DELETE
  @Path("/keys/{key: .+}")
  public Response delete(
      @PathParam("project") String project,
      @PathParam("name") String name,
      @PathParam("key") String key,
      @QueryParam("branch") String branch,
      @QueryParam("application") String application) {
    try {
      db(project, name, branch, application).delete(utf8(key));
      return Response.noContent().build();
    } catch (IOException e) {
      throw DataApi.error(400, e.getMessage());
    }
  }

  @GET
  @Path("/keys")
  @Produces(MediaType.APPLICATION_JSON)
  public Map<String, Object> list(
      @PathParam("project") String project,
      @PathParam("name") String name,
      @QueryParam("prefix") String prefix,
      @QueryParam("limit") Integer limit,
      @QueryParam("branch") String branch,
      @QueryParam("application") String application) {
    int max = limit == null ? 1000 : limit;
    if (max < 1 || max > 100_000) {
      throw DataApi.error(400, "limit must be 1..100000, got " + max);
    }
    KvDatabase db = db(project, name, branch, application);
    try {
      List<String> keys = new ArrayList<>();
      for (byte[] k : db.list(utf8(prefix == null ? "" : prefix), max)) {
        keys.add(new String(k, StandardCharsets.UTF_8));
      }
      KvStore.Usage u = db.usage();
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("database", name);
      out.put("keys", keys);
      out.put("usedBytes", u.usedBytes());
      out.put("quotaBytes", u.quotaBytes());
      out.put("keyCount", u.keys());
      return out;
    } catch (IOException e) {
      throw DataApi.error(400, e.getMessage());
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
