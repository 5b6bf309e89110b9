#!/usr/bin/env bash
# What a cache hit costs against a raw Jedis GET of the same entry: runs
# bench/src/main/java/com/example/bench/HitCostProbe.java under the packaged agent and prints its
# `name: value` lines (percentiles in microseconds, ratios at the median), and the same hit through
# a method returning a CompletableFuture against the plain one (ratio.async-hit/hit.p50). A probe,
# not a benchmark suite: scripts/bench.sh runs the JMH benchmarks.
#
# Usage: scripts/hit-cost.sh [rounds [blockSize]]      (defaults 30 and 2000: about 20 s)
# Redis: REDIS_URL when set (the probe writes keys under the prefix "bench" there); otherwise a
# redis-server of its own on a free port, stopped on exit.
# JAVA (default: java on the PATH) and HIT_COST_JVM_OPTS (default: -Xms256m -Xmx256m) pick the JVM.
set -euo pipefail
cd "$(dirname "$0")/.."

agent_jar=agent/target/depcache-agent.jar
bench_jar=bench/target/benchmarks.jar
if [ ! -f "$agent_jar" ] || [ ! -f "$bench_jar" ] \
    || [ -n "$(find bench/src bench/pom.xml -newer "$bench_jar" -print -quit)" ]; then
  echo "hit-cost: building (mvn package -DskipTests)" >&2
  mvn -B -q -o package -DskipTests || mvn -B -q package -DskipTests
fi
# The probe and its DTO are the benchmarks' own; the agent's classes come from -javaagent.
classpath="$bench_jar"

source scripts/lib/throwaway-redis.sh # after the cd to the root, above
trap throwaway_redis_stop EXIT INT TERM

throwaway_redis hit-cost

java_cmd="${JAVA:-java}"
read -r -a jvm_opts <<<"${HIT_COST_JVM_OPTS:--Xms256m -Xmx256m}"
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "nproc: $(nproc)"
echo "redis: $("${server:-redis-server}" --version 2>/dev/null | head -1 || echo unknown)"
# Other settings come only from these flags: the environment's depcache variables are dropped.
env -u REDIS_URL -u REDIS_HOST -u REDIS_PORT -u REDIS_PASSWORD -u REDIS_DB -u DEP_CACHE_ENABLED \
  -u DEP_CACHE_PREFIX \
  "$java_cmd" "${jvm_opts[@]}" \
  "-javaagent:$agent_jar" "-Ddepcache.redis.url=$url" -Ddepcache.prefix=bench \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$classpath" com.example.bench.HitCostProbe "$url" "$@"
