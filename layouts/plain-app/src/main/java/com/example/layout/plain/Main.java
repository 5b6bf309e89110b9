package com.example.layout.plain;

import com.example.layout.Console;

/** {@code java -jar plain-app.jar}: the API comes from the manifest's {@code Class-Path}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    Console.serve();
  }
}
