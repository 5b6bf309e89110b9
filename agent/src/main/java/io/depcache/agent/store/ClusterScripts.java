package io.depcache.agent.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * One script run on many keys of Redis Cluster, each call in its own slot: pipelined to every node
 * at once, one round trip per node instead of one per call. A pipeline follows no redirection, so a
 * call that it could not complete (MOVED or ASK while slots move, a node that failed over, a script
 * the node does not know yet) is made again on its own through the cluster client, which follows
 * them. Every script run this way must do the same when run twice.
 */
final class ClusterScripts {
  private final UnifiedJedis client;
  private final ExecutorService syncs;
  private final String description;

  /**
   * @param syncs the threads that read a pipeline's replies from the nodes at once (Jedis would
   *     otherwise start and stop threads for every pipeline)
   */
  ClusterScripts(UnifiedJedis client, ExecutorService syncs, String description) {
    this.client = client;
    this.syncs = syncs;
    this.description = description;
  }

  /** One call: its keys (all in one slot) and arguments. */
  record Call(List<byte[]> keys, List<byte[]> args) {}

  /**
   * Runs the script once per call.
   *
   * @return the replies, in the order of the calls
   */
  List<Object> runEach(LuaScript script, List<Call> calls) {
    List<Object> replies = new ArrayList<>(calls.size());
    if (calls.size() == 1) {
      Call only = calls.get(0);
      replies.add(call("script", () -> script.run(client, only.keys(), only.args())));
      return replies;
    }
    List<Response<Object>> responses = new ArrayList<>(calls.size());
    boolean synced = false;
    try (AbstractPipeline pipeline =
        client instanceof RedisClusterClient cluster
            ? cluster.pipelined(syncs)
            : client.pipelined()) {
      byte[] sha = script.sha();
      for (Call c : calls) {
        responses.add(pipeline.evalsha(sha, c.keys(), c.args()));
      }
      pipeline.sync();
      synced = true;
    } catch (RuntimeException e) {
      // Some calls may have run: each is made again, which a script run this way allows.
    }
    for (int i = 0; i < calls.size(); i++) {
      Object reply = null;
      boolean done = false;
      if (synced) {
        try {
          reply = responses.get(i).get();
          done = true;
        } catch (RuntimeException e) {
          // Made again below, through the cluster client.
        }
      }
      if (!done) {
        Call again = calls.get(i);
        reply = call("script", () -> script.run(client, again.keys(), again.args()));
      }
      replies.add(reply);
    }
    return replies;
  }

  <T> T call(String operation, Supplier<T> action) {
    return ClusterCalls.run(description, operation, action);
  }
}
