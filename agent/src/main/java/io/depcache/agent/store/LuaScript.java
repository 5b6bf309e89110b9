package io.depcache.agent.store;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A Lua script kept as a resource next to this class, run by its SHA-1 so that only its digest
 * travels on every call.
 */
final class LuaScript {
  private final byte[] source;
  private final byte[] sha;

  private LuaScript(byte[] source) {
    this.source = source;
    this.sha = sha1Hex(source).getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Reads a script from the resources of this package: the named parts one after the other, so that
   * scripts share a part (a Lua function) without a copy of it in each.
   *
   * @param names the resource names, e.g. {@code put.lua}
   * @return the script
   */
  static LuaScript load(String... names) {
    ByteArrayOutputStream source = new ByteArrayOutputStream();
    for (String name : names) {
      try (InputStream in = LuaScript.class.getResourceAsStream(name)) {
        if (in == null) {
          throw new IllegalStateException("missing resource " + name + " next to LuaScript");
        }
        in.transferTo(source);
        source.write('\n');
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new LuaScript(source.toByteArray());
  }

  /**
   * The same script with every {@code from} in its text replaced by {@code to}: a variant for
   * another deployment (e.g. {@code SPUBLISH} for {@code PUBLISH} on a cluster).
   *
   * @throws IllegalStateException when the text has no {@code from}
   */
  LuaScript replacing(String from, String to) {
    String text = new String(source, StandardCharsets.UTF_8);
    if (!text.contains(from)) {
      throw new IllegalStateException("no " + from + " in the script to replace");
    }
    return new LuaScript(text.replace(from, to).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Runs the script with EVALSHA, and with EVAL when the server does not know it yet (a restart,
   * SCRIPT FLUSH, or a new server); EVAL also caches it there for the next EVALSHA.
   */
  Object run(UnifiedJedis client, List<byte[]> keys, List<byte[]> args) {
    try {
      return client.evalsha(sha, keys, args);
    } catch (JedisNoScriptException e) {
      return client.eval(source, keys, args);
    } catch (JedisDataException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT")) {
        return client.eval(source, keys, args);
      }
      throw e;
    }
  }

  /** The script's text, for EVAL or SCRIPT LOAD in a pipeline. */
  byte[] source() {
    return source.clone();
  }

  /** The script's SHA-1 in hex, for EVALSHA in a pipeline. */
  byte[] sha() {
    return sha.clone();
  }

  private static String sha1Hex(byte[] source) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-1", e);
    }
  }
}
