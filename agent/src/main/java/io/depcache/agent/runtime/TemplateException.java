package io.depcache.agent.runtime;

/** A template does not parse or names an argument the method does not have. */
public final class TemplateException extends Exception {
  private static final long serialVersionUID = 1L;

  TemplateException(String message) {
    super(message);
  }
}
