package io.jtau.registry;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jtau.model.HistoryEntry;
import io.jtau.model.Resource;
import io.jtau.model.Snapshot;
import io.jtau.port.SecretSealer;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Encodes snapshots and history entries as JSON for storage. Thread-safe. The encoding is the
 * registry's own; the model stays free of serialization annotations.
 *
 * <p>Secrets of project config — database encryption keys ({@code encryptionKey} of a database
 * resource, {@code encryption-key} of its compiled object) and inline TLS private keys of domains
 * ({@code keyFile}, {@code key-file}) — are sealed by the {@link SecretSealer} on the way to disk
 * and opened on the way back, so decoded snapshots hold the plaintext and stored bytes never do.
 * Values stored before sealing was introduced are read as they are and sealed when written again.
 */
final class SnapshotCodec {

  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "@kind")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = Resource.Function.class, name = "function"),
    @JsonSubTypes.Type(value = Resource.Website.class, name = "website"),
    @JsonSubTypes.Type(value = Resource.Library.class, name = "library"),
    @JsonSubTypes.Type(value = Resource.Domain.class, name = "domain"),
    @JsonSubTypes.Type(value = Resource.Database.class, name = "database"),
    @JsonSubTypes.Type(value = Resource.Storage.class, name = "storage"),
    @JsonSubTypes.Type(value = Resource.Messaging.class, name = "messaging"),
    @JsonSubTypes.Type(value = Resource.Service.class, name = "service"),
    @JsonSubTypes.Type(value = Resource.SmartOp.class, name = "smartop")
  })
  private interface ResourceMixin {}

  private final ObjectMapper mapper =
      JsonMapper.builder()
          .addMixIn(Resource.class, ResourceMixin.class)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          // Null properties are left out, but null map values are kept: tau's domain marker (K8)
          // in a snapshot's index map is a null value.
          .defaultPropertyInclusion(
              JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.ALWAYS))
          .build();

  /** Keeps nulls: tau's domain marker (K8) is a null value. */
  private final ObjectMapper plain = JsonMapper.builder().build();

  /** The context database encryption keys are sealed under. */
  static final String DATABASE_KEY = "registry/database/encryption-key";

  /** The context inline TLS private keys of domains are sealed under. */
  static final String DOMAIN_KEY = "registry/domain/certificate-key";

  /**
   * Field names whose text values are sealed at rest, with their context: the record component
   * (snapshot config) and the compiled object's key (tau's registry format) of each secret.
   */
  private static final java.util.Map<String, String> SEALED_FIELDS =
      java.util.Map.of(
          "encryptionKey", DATABASE_KEY,
          "encryption-key", DATABASE_KEY,
          "keyFile", DOMAIN_KEY,
          "key-file", DOMAIN_KEY);

  private final SecretSealer sealer;

  SnapshotCodec(SecretSealer sealer) {
    this.sealer = sealer;
  }

  byte[] encode(Snapshot snapshot) {
    if (sealer == SecretSealer.NONE) {
      return write(snapshot);
    }
    JsonNode tree = mapper.valueToTree(snapshot);
    walk(tree, true);
    return write(tree);
  }

  Snapshot decodeSnapshot(byte[] bytes) {
    if (sealer == SecretSealer.NONE) {
      return read(bytes, Snapshot.class);
    }
    try {
      JsonNode tree = mapper.readTree(bytes);
      walk(tree, false);
      return mapper.treeToValue(tree, Snapshot.class);
    } catch (IOException e) {
      throw new UncheckedIOException("stored Snapshot is unreadable", e);
    }
  }

  /** Seals (or opens) every text value of a {@link #SEALED_FIELDS} field, at any depth. */
  private void walk(JsonNode node, boolean seal) {
    if (node instanceof ObjectNode o) {
      var fields = o.fields();
      java.util.List<java.util.Map.Entry<String, JsonNode>> all = new java.util.ArrayList<>();
      fields.forEachRemaining(all::add);
      for (var f : all) {
        JsonNode v = f.getValue();
        String context = SEALED_FIELDS.get(f.getKey());
        if (context != null && v.isTextual() && !v.asText().isEmpty()) {
          String text = v.asText();
          if (seal && !sealer.isSealed(text)) {
            o.put(f.getKey(), sealer.seal(text, context));
          } else if (!seal && sealer.isSealed(text)) {
            o.put(f.getKey(), sealer.open(text, context));
          }
        } else {
          walk(v, seal);
        }
      }
    } else if (node instanceof ArrayNode a) {
      for (JsonNode e : a) {
        walk(e, seal);
      }
    }
  }

  byte[] encode(HistoryEntry entry) {
    return write(entry);
  }

  HistoryEntry decodeHistory(byte[] bytes) {
    return read(bytes, HistoryEntry.class);
  }

  /** Any JSON-compatible value (maps, lists, strings, numbers, booleans, null). */
  byte[] encodeValue(Object value) {
    try {
      if (sealer != SecretSealer.NONE) {
        JsonNode tree = plain.valueToTree(value);
        walk(tree, true);
        return plain.writeValueAsBytes(tree);
      }
      return plain.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode an index value", e);
    }
  }

  Object decodeValue(byte[] bytes) {
    try {
      if (sealer != SecretSealer.NONE) {
        JsonNode tree = plain.readTree(bytes);
        walk(tree, false);
        return plain.treeToValue(tree, Object.class);
      }
      return plain.readValue(bytes, Object.class);
    } catch (IOException e) {
      throw new UncheckedIOException("stored index value is unreadable", e);
    }
  }

  @SuppressWarnings("unchecked")
  java.util.List<String> decodeList(byte[] bytes) {
    return (java.util.List<String>) decodeValue(bytes);
  }

  private byte[] write(Object value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + value.getClass().getSimpleName(), e);
    }
  }

  private <T> T read(byte[] bytes, Class<T> type) {
    try {
      return mapper.readValue(bytes, type);
    } catch (IOException e) {
      throw new UncheckedIOException("stored " + type.getSimpleName() + " is unreadable", e);
    }
  }
}
