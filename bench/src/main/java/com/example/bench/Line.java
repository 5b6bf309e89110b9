package com.example.bench;

import java.io.Serializable;

/** One line of an {@link Order}: the small records a typical DTO carries a list of. */
public record Line(int position, String sku, String title, int quantity, long priceCents)
    implements Serializable {}
