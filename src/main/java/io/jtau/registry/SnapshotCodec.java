package io.jtau.registry;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.jtau.model.HistoryEntry;
import io.jtau.model.Resource;
import io.jtau.model.Snapshot;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Encodes snapshots and history entries as JSON for storage. Thread-safe. The encoding is the
 * registry's own; the model stays free of serialization annotations.
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

  byte[] encode(Snapshot snapshot) {
    return write(snapshot);
  }

  Snapshot decodeSnapshot(byte[] bytes) {
    return read(bytes, Snapshot.class);
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
      return plain.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode an index value", e);
    }
  }

  Object decodeValue(byte[] bytes) {
    try {
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
