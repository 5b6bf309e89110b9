package io.depcache.agent.config;

/** Keeps secrets out of logs. */
public final class Redaction {
  private Redaction() {}

  /**
   * Replaces the password of {@code redis://user:password@host} with {@code ***}.
   *
   * @param url a Redis URL, may be {@code null}
   * @return the URL without its password
   */
  public static String redactUrl(String url) {
    if (url == null) {
      return null;
    }
    int scheme = url.indexOf("://");
    int at = url.lastIndexOf('@');
    if (scheme < 0 || at < scheme) {
      return url;
    }
    String userInfo = url.substring(scheme + 3, at);
    int colon = userInfo.indexOf(':');
    String user = colon < 0 ? "" : userInfo.substring(0, colon);
    return url.substring(0, scheme + 3) + user + ":***" + url.substring(at);
  }
}
