package io.jtau.model;

import java.util.List;

/**
 * The nine resource groups of a tau v1 config repository, in tau's processing order. {@link
 * #folder()} is the exact group folder name.
 */
public enum ResourceKind {
  DATABASE("databases"),
  DOMAIN("domains"),
  FUNCTION("functions"),
  LIBRARY("libraries"),
  MESSAGING("messaging"),
  SERVICE("services"),
  SMARTOP("smartops"),
  STORAGE("storages"),
  WEBSITE("websites");

  private final String folder;

  ResourceKind(String folder) {
    this.folder = folder;
  }

  public String folder() {
    return folder;
  }

  /** The singular word used in plans and messages ({@code function}, {@code database}). */
  public String word() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static List<ResourceKind> processingOrder() {
    return List.of(values());
  }

  public static java.util.Optional<ResourceKind> byFolder(String folder) {
    for (ResourceKind k : values()) {
      if (k.folder.equals(folder)) {
        return java.util.Optional.of(k);
      }
    }
    return java.util.Optional.empty();
  }
}
