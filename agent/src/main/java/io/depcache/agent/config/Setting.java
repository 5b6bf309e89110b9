package io.depcache.agent.config;

/**
 * One raw {@code key=value} pair as read from one source, before validation.
 *
 * @param key the full key ({@code depcache.ttl}), already mapped from the source's spelling
 * @param value the value, trimmed; may hold a secret, so messages show it only through {@link
 *     Problems#shown}
 * @param source where it came from, for messages: {@code agent argument ttl}, {@code system
 *     property -Ddepcache.ttl}, {@code environment variable DEPCACHE_TTL}, {@code file <path>, line
 *     <n>}
 */
record Setting(String key, String value, String source) {
  @Override
  public String toString() {
    return key + " (" + source + ")";
  }
}
