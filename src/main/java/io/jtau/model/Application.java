package io.jtau.model;

import java.util.List;
import java.util.Objects;

/** An application of a project: an identity and a folder name; its resources name it by id. */
public record Application(String id, String name, String description, List<String> tags) {
  public Application {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    tags = tags == null ? null : List.copyOf(tags);
  }
}
