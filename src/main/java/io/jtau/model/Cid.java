package io.jtau.model;

import java.util.Objects;

/**
 * A content identifier in its text form (CIDv1, base32 lower case, prefix {@code b}). Equality is
 * textual; the store verifies content against it on every read.
 */
public record Cid(String value) implements Comparable<Cid> {
  public Cid {
    Objects.requireNonNull(value, "value");
    if (value.length() < 8 || value.length() > 128) {
      throw new IllegalArgumentException("not a CID: length " + value.length());
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!ok) {
        throw new IllegalArgumentException("not a CID: character '" + c + "' at " + i);
      }
    }
  }

  @Override
  public int compareTo(Cid o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
