#!/usr/bin/env bash
# What a cache hit costs against a raw Jedis GET of the same entry: runs
# agent/src/test/java/com/example/bench/HitCostProbe.java under the packaged agent and prints its
# `name: value` lines (percentiles in microseconds, ratios at the median). A probe, not a benchmark
# suite: issue 6 brings JMH (scripts/bench.sh).
#
# Usage: scripts/hit-cost.sh [rounds [blockSize]]      (defaults 30 and 2000: about 20 s)
# Redis: REDIS_URL when set (the probe writes keys under the prefix "bench" there); otherwise a
# redis-server of its own on a free port, stopped on exit.
# JAVA (default: java on the PATH) and HIT_COST_JVM_OPTS (default: -Xms256m -Xmx256m) pick the JVM.
set -euo pipefail
cd "$(dirname "$0")/.."

agent_jar=agent/target/depcache-agent.jar
probe_class=agent/target/test-classes/com/example/bench/HitCostProbe.class
if [ ! -f "$agent_jar" ] || [ ! -f "$probe_class" ] || [ ! -d api/target/classes ]; then
  echo "hit-cost: building (mvn package -DskipTests, which also compiles the tests)" >&2
  mvn -B -q -o package -DskipTests || mvn -B -q package -DskipTests
fi

# The test dependencies give the probe its own, unshaded Jedis; cached until the pom changes.
cp_file=agent/target/hit-cost.classpath
if [ ! -s "$cp_file" ] || [ agent/pom.xml -nt "$cp_file" ]; then
  args=(-B -q -pl agent dependency:build-classpath -Dmdep.includeScope=test
    "-Dmdep.outputFile=$PWD/$cp_file")
  mvn -o "${args[@]}" || mvn "${args[@]}"
fi
# agent/target/classes is deliberately NOT on the class path: it holds DepCacheAgent and
# bootstrap.jar too, so the system loader would take the agent's classes from there (unshaded)
# instead of from the jar that -javaagent names, and the probe would time another build. The
# serial and store classes the probe uses come from the agent jar, which -javaagent appends to the
# system class path.
classpath="agent/target/test-classes:api/target/classes:$(cat "$cp_file")"

# shellcheck source=lib/throwaway-redis.sh
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
