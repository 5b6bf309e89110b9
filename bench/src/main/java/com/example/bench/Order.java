package com.example.bench;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** The typical DTO of issue 6: a record with ten fields and a list of ten small records. */
public record Order(
    long id,
    String customer,
    String email,
    String street,
    String city,
    String country,
    int status,
    long createdAt,
    boolean paid,
    double discount,
    List<Line> lines)
    implements Serializable {

  /** The order {@code id}, always the same for the same id: about 1 KB in JDK serialization. */
  public static Order sample(long id) {
    return sample(id, 10);
  }

  /**
   * The order {@code id} with {@code lineCount} lines, always the same for the same arguments.
   *
   * @param id the order's id
   * @param lineCount how many lines it has; {@link #sample(long)} has 10
   * @return the order
   */
  public static Order sample(long id, int lineCount) {
    List<Line> lines = new ArrayList<>();
    for (int i = 0; i < lineCount; i++) {
      lines.add(new Line(i, "SKU-" + (1000 + i), "Item number " + i, 1 + i % 3, 499L + 100 * i));
    }
    return new Order(
        id,
        "Ada Lovelace",
        "ada@example.com",
        "12 Analytical Row",
        "London",
        "GB",
        3,
        1_700_000_000_000L + id,
        true,
        0.05,
        List.copyOf(lines));
  }
}
