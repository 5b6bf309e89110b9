package io.depcache.agent.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisAskDataException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.exceptions.JedisRedirectionException;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * One script run on many keys of Redis Cluster, each call in its own slot: pipelined to every node
 * at once, one round trip per node instead of one per call.
 *
 * <p>{@link #runEach} goes through Jedis' cluster pipeline. {@link #runAcknowledged} sends the
 * calls of each node on one connection of that node, followed by {@code WAIT 1 timeout} when the
 * node has a replica (as {@link ClusterTopology} counts them): the calls return only once a replica
 * has received their writes, so that a primary that crashes next does not take them with it. A node
 * with no replica is not waited for; a node whose replicas do not acknowledge in time (and still
 * are not marked failed) fails the call with a {@link StoreException}.
 *
 * <p>A call that a pipeline could not complete (MOVED or ASK while slots move, a node that failed
 * over, a script the node does not know yet, {@code TRYAGAIN}, a {@code WAIT} cut short because the
 * node became a replica) is made again on its own, following the redirection, on the node's
 * connection, and acknowledged there. Every script run this way must do the same when run twice.
 */
final class ClusterScripts {
  private static final byte[] LOAD = {'L', 'O', 'A', 'D'};

  private final UnifiedJedis client;
  private final ExecutorService syncs;
  private final String description;
  private final ClusterTopology topology;
  private final long waitMillis;
  private final long retryMillis;

  /**
   * @param syncs the threads that read a pipeline's replies from the nodes at once (Jedis would
   *     otherwise start and stop threads for every pipeline)
   * @param topology the slots' primaries and their replicas
   * @param timeoutMs the store's timeout: a {@code WAIT} waits half of it, a call that follows
   *     redirections and failovers gives up after three
   */
  ClusterScripts(
      UnifiedJedis client,
      ExecutorService syncs,
      String description,
      ClusterTopology topology,
      int timeoutMs) {
    this.client = client;
    this.syncs = syncs;
    this.description = description;
    this.topology = topology;
    this.waitMillis = Math.max(1, timeoutMs / 2);
    this.retryMillis = Math.max(ClusterCalls.MAX_WAIT_MILLIS, 3L * timeoutMs);
  }

  /** One call: its keys (all in one slot) and arguments. */
  record Call(List<byte[]> keys, List<byte[]> args) {}

  /**
   * Entries of one slot to fence and unlink: the slot's tag fences ({@link ClusterKeys#tagFences}),
   * the tags of the entries (their members there) and the entries' names, all in one slot.
   */
  record SlotGroup(int slot, byte[] fences, List<byte[]> tags, List<byte[]> entries) {}

  private static final byte[] GT = {'G', 'T'};

  /**
   * Fences the tags of each group with {@code sequence} (one {@code ZADD GT} of every tag of the
   * group: a fence only rises), sets the fences' life, then unlinks the group's entries: three
   * plain commands per group, in that order, pipelined on one connection of the group's node; each
   * node in a thread of its own, all at once, followed by one {@code WAIT} per node when it has a
   * replica. No script: a node runs them without Lua's cost, and a replica receives them as they
   * are.
   *
   * @return per group, how many of its entries existed, or {@code -1} for a group that may not be
   *     done (a redirection, {@code TRYAGAIN}, a broken connection, a {@code WAIT} cut short by a
   *     failover): the caller makes it again another way
   * @throws StoreException when a node's replicas do not acknowledge within half the timeout
   */
  long[] fenceAndUnlink(List<SlotGroup> groups, byte[] sequence, byte[] retention) {
    long[] removed = new long[groups.size()];
    Arrays.fill(removed, -1);
    Map<String, List<Integer>> byNode = new LinkedHashMap<>();
    for (int i = 0; i < groups.size(); i++) {
      String node = topology.primaryOf(groups.get(i).slot());
      byNode.computeIfAbsent(node, n -> new ArrayList<>()).add(i);
    }
    List<CompletableFuture<Void>> nodes = new ArrayList<>(byNode.size());
    for (Map.Entry<String, List<Integer>> node : byNode.entrySet()) {
      Runnable task =
          () ->
              fenceAndUnlinkOn(
                  node.getKey(), node.getValue(), groups, sequence, retention, removed);
      nodes.add(CompletableFuture.runAsync(task, syncs));
    }
    StoreException unacknowledged = null;
    for (CompletableFuture<Void> node : nodes) {
      try {
        node.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof StoreException store) {
          unacknowledged = store;
        } else {
          throw e;
        }
      }
    }
    if (unacknowledged != null) {
      throw unacknowledged;
    }
    return removed;
  }

  private void fenceAndUnlinkOn(
      String node,
      List<Integer> indices,
      List<SlotGroup> groups,
      byte[] sequence,
      byte[] retention,
      long[] removed) {
    List<Response<Object>> fences = new ArrayList<>(indices.size());
    List<Response<Object>> lives = new ArrayList<>(indices.size());
    List<Response<Object>> unlinks = new ArrayList<>(indices.size());
    Response<Long> acknowledged = null;
    int replicas;
    Connection connection;
    try {
      connection = topology.pool(node).getResource();
    } catch (RuntimeException e) {
      return; // every group of this node is made again another way
    }
    boolean synced = false;
    try {
      Pipeline pipeline = new Pipeline(connection, false);
      for (int i : indices) {
        SlotGroup group = groups.get(i);
        fences.add(pipeline.sendCommand(Protocol.Command.ZADD, raise(group, sequence)));
        lives.add(pipeline.sendCommand(Protocol.Command.PEXPIRE, group.fences(), retention));
        unlinks.add(
            pipeline.sendCommand(Protocol.Command.UNLINK, group.entries().toArray(new byte[0][])));
      }
      replicas = Math.min(1, topology.replicasOf(node));
      if (replicas > 0) {
        acknowledged = pipeline.waitReplicas(replicas, waitMillis);
      }
      pipeline.sync();
      synced = true;
    } catch (RuntimeException e) {
      return;
    } finally {
      if (!synced) {
        // Replies may wait on it unread: the pool must not hand it to another call.
        connection.setBroken();
      }
      connection.close();
    }
    if (acknowledged != null) {
      long count;
      try {
        count = acknowledged.get();
      } catch (JedisDataException e) {
        return; // UNBLOCKED: the node became a replica while it waited; made again where it is now
      }
      checkAcknowledged(node, count, replicas);
    }
    for (int k = 0; k < indices.size(); k++) {
      try {
        fences.get(k).get();
        lives.get(k).get();
        removed[indices.get(k)] = (Long) unlinks.get(k).get();
      } catch (RuntimeException e) {
        // MOVED, ASK, TRYAGAIN: this group is made again another way.
      }
    }
  }

  /** The arguments of the {@code ZADD} that raises the fences of a group's tags. */
  private static byte[][] raise(SlotGroup group, byte[] sequence) {
    List<byte[]> tags = group.tags();
    byte[][] args = new byte[2 + 2 * tags.size()][];
    args[0] = group.fences();
    args[1] = GT;
    for (int t = 0; t < tags.size(); t++) {
      args[2 + 2 * t] = sequence;
      args[3 + 2 * t] = tags.get(t);
    }
    return args;
  }

  /**
   * Runs the script once per call, not waiting for replicas.
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

  /**
   * Runs the script once per call, and returns once a replica of each node that ran one
   * acknowledged its writes (or the node has none).
   *
   * @return the replies, in the order of the calls
   * @throws StoreException when a node fails, or its replicas do not acknowledge within half the
   *     timeout: some calls may have run, and may be lost if that node's primary crashes
   */
  List<Object> runAcknowledged(LuaScript script, List<Call> calls) {
    Object[] replies = new Object[calls.size()];
    boolean[] done = new boolean[calls.size()];
    if (calls.size() > 1) {
      Map<String, List<Integer>> byNode = new LinkedHashMap<>();
      for (int i = 0; i < calls.size(); i++) {
        String node = topology.primaryOf(slotOf(calls.get(i)));
        byNode.computeIfAbsent(node, n -> new ArrayList<>()).add(i);
      }
      List<NodeBatch> batches = new ArrayList<>(byNode.size());
      try {
        for (Map.Entry<String, List<Integer>> node : byNode.entrySet()) {
          NodeBatch batch = new NodeBatch(node.getKey(), node.getValue());
          batches.add(batch);
          batch.send(script, calls);
        }
        // Every node has its calls before the first replies are read: the nodes run at once.
        for (NodeBatch batch : batches) {
          batch.read(replies, done);
        }
      } finally {
        for (NodeBatch batch : batches) {
          batch.close();
        }
      }
    }
    for (int i = 0; i < calls.size(); i++) {
      if (!done[i]) {
        Call again = calls.get(i);
        replies[i] = call("script", () -> runOne(script, again));
      }
    }
    return java.util.Arrays.asList(replies);
  }

  /** The calls of one node, on one of its connections, and the WAIT after them. */
  private final class NodeBatch {
    private final String node;
    private final List<Integer> indices;
    private final List<Response<Object>> responses;
    private Connection connection;
    private Pipeline pipeline;
    private Response<Long> acknowledged;
    private int replicas;
    private boolean synced;

    NodeBatch(String node, List<Integer> indices) {
      this.node = node;
      this.indices = indices;
      this.responses = new ArrayList<>(indices.size());
    }

    void send(LuaScript script, List<Call> calls) {
      try {
        connection = topology.pool(node).getResource();
        pipeline = new Pipeline(connection, false);
        if (indices.size() > 16) {
          // A replica that took over knows no script (writes replicate, not EVALSHA).
          pipeline.sendCommand(Protocol.Command.SCRIPT, LOAD, script.source());
        }
        byte[] sha = script.sha();
        for (int i : indices) {
          Call c = calls.get(i);
          responses.add(pipeline.evalsha(sha, c.keys(), c.args()));
        }
        replicas = Math.min(1, topology.replicasOf(node));
        if (replicas > 0) {
          acknowledged = pipeline.waitReplicas(replicas, waitMillis);
        }
      } catch (RuntimeException e) {
        // Nothing of this node is read: each call is made again on its own.
        close();
      }
    }

    void read(Object[] replies, boolean[] done) {
      if (pipeline == null) {
        return;
      }
      try {
        pipeline.sync();
        synced = true;
      } catch (RuntimeException e) {
        close();
        return;
      }
      for (int k = 0; k < indices.size(); k++) {
        try {
          replies[indices.get(k)] = responses.get(k).get();
          done[indices.get(k)] = true;
        } catch (RuntimeException e) {
          // Made again on its own.
        }
      }
      if (acknowledged != null) {
        long count;
        try {
          count = acknowledged.get();
        } catch (JedisDataException e) {
          // UNBLOCKED: the node became a replica while it waited (a CLUSTER FAILOVER, which keeps
          // what it had); or it was one already (its scripts answered MOVED). Each call of this
          // node is made again on its own, where it is now: a script that ran and reached the new
          // primary runs a second time there, which each script allows.
          for (int i : indices) {
            done[i] = false;
          }
          return;
        }
        checkAcknowledged(node, count, replicas);
      }
    }

    void close() {
      if (connection != null) {
        if (!synced) {
          // Replies may wait on it unread: the pool must not hand it to another call.
          connection.setBroken();
        }
        connection.close();
        connection = null;
      }
      pipeline = null;
    }
  }

  /** One call on the node that serves its slot, following redirections, then acknowledged there. */
  private Object runOne(LuaScript script, Call call) {
    int slot = slotOf(call);
    String node = topology.primaryOf(slot);
    boolean asking = false;
    boolean eval = false;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(retryMillis);
    while (true) {
      RuntimeException failure;
      try {
        return onNode(node, asking, eval, script, call);
      } catch (JedisRedirectionException e) {
        failure = e;
        asking = e instanceof JedisAskDataException;
        node = e.getTargetNode().toString();
        if (!asking) {
          topology.refresh();
        }
      } catch (JedisNoScriptException e) {
        failure = e;
        eval = true;
      } catch (JedisDataException e) {
        String message = String.valueOf(e.getMessage());
        if (message.startsWith("NOSCRIPT")) {
          eval = true;
        } else if (message.startsWith("UNBLOCKED")) {
          // The node became a replica during the WAIT: the call is made again on the primary.
          topology.refresh();
          node = topology.primaryOf(slot);
          asking = false;
        } else if (!message.startsWith("TRYAGAIN") && !message.startsWith("CLUSTERDOWN")) {
          throw e;
        }
        failure = e;
        pause(5);
      } catch (JedisConnectionException e) {
        // A node that went away: its replica takes over after the node timeout.
        failure = e;
        pause(50);
        try {
          topology.refresh();
          node = topology.primaryOf(slot);
        } catch (StoreException unknown) {
          // Asked again on the next round.
        }
        asking = false;
      }
      if (System.nanoTime() - deadline > 0) {
        throw failure;
      }
    }
  }

  private Object onNode(String node, boolean asking, boolean eval, LuaScript script, Call call) {
    int replicas = Math.min(1, topology.replicasOf(node));
    try (Connection connection = topology.pool(node).getResource()) {
      Pipeline pipeline = new Pipeline(connection, false);
      Response<Object> reply;
      Response<Long> acknowledged = null;
      boolean synced = false;
      try {
        if (asking) {
          pipeline.sendCommand(Protocol.Command.ASKING, new byte[0][]);
        }
        reply =
            eval
                ? pipeline.eval(script.source(), call.keys(), call.args())
                : pipeline.evalsha(script.sha(), call.keys(), call.args());
        if (replicas > 0) {
          acknowledged = pipeline.waitReplicas(replicas, waitMillis);
        }
        pipeline.sync();
        synced = true;
      } finally {
        if (!synced) {
          // Replies may wait on it unread: the pool must not hand it to another call.
          connection.setBroken();
        }
      }
      Object result = reply.get();
      if (acknowledged != null) {
        checkAcknowledged(node, acknowledged.get(), replicas);
      }
      return result;
    }
  }

  /**
   * A short acknowledgement is accepted only when the node has no replica by a fresh look (one
   * marked failed is not counted).
   */
  private void checkAcknowledged(String node, long acknowledged, int asked) {
    if (acknowledged >= asked) {
      return;
    }
    topology.refresh();
    if (topology.replicasOf(node) == 0) {
      return;
    }
    throw new StoreException(
        StoreException.Kind.UNAVAILABLE,
        "no replica of "
            + node
            + " of "
            + description
            + " acknowledged a write within "
            + waitMillis
            + " ms (WAIT)",
        null);
  }

  static int slotOf(Call call) {
    return JedisClusterCRC16.getSlot(call.keys().get(0));
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for a cluster node", e);
    }
  }

  <T> T call(String operation, Supplier<T> action) {
    return ClusterCalls.run(description, operation, action);
  }
}
