package io.jtau.runtime.kv;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Identifies one database instance. The parts are opaque strings chosen by the caller (the node
 * uses its own project name and the project id as {@code owner}, the declaring scope, the database
 * resource id and the name a guest asked for); they are never joined into file system paths. The
 * Xodus store that holds the data is named by {@link #storeName()}, a hash of the length-delimited
 * parts, so no part can spell another instance's name.
 *
 * @param owner the project the data belongs to
 * @param scope the application id of the declaring resource, empty at project scope
 * @param resourceId the database resource id; empty for the project's globals
 * @param name the name the database was opened with
 */
public record DatabaseId(String owner, String scope, String resourceId, String name) {

  public DatabaseId {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(resourceId, "resourceId");
    Objects.requireNonNull(name, "name");
    if (owner.isEmpty()) {
      throw new IllegalArgumentException("database owner is empty");
    }
  }

  /** The project's global variables (guest-abi §3.7): one per owner. */
  public static DatabaseId globals(String owner) {
    return new DatabaseId(owner, "", "", "globals");
  }

  /** The opaque Xodus store name of this instance. */
  public String storeName() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String part : new String[] {owner, scope, resourceId, name}) {
      byte[] b = part.getBytes(StandardCharsets.UTF_8);
      out.write(b.length >>> 24);
      out.write(b.length >>> 16);
      out.write(b.length >>> 8);
      out.write(b.length);
      out.writeBytes(b);
    }
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(out.toByteArray());
      return "db-" + HexFormat.of().formatHex(h);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public String toString() {
    return (scope.isEmpty() ? "" : scope + "/") + (name.isEmpty() ? resourceId : name);
  }
}
