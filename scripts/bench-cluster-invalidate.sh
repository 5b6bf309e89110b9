#!/usr/bin/env bash
# Issue 14's cluster bound, side by side in one run: invalidating a dependency of 100,000
# dependents on one standalone Redis (InvalidateProbe) and on a local Redis Cluster of six nodes
# (ClusterProbe), alternately, ROUNDS times each, with the longest command of each (SLOWLOG). A
# benchmark, not a test: it asserts no time. Needs agent/target/depcache-agent.jar and
# bench/target/benchmarks.jar (mvn package -DskipTests -pl bench -am) and redis-server/redis-cli.
#
# Usage: scripts/bench-cluster-invalidate.sh [ROUNDS [TRIALS]]   (default 2 rounds of 3 trials)
# AGENT_JAR=path times another build of the agent; BASELINE_JAR=path also times that build (an
# earlier commit) in each round, after the current one, with the same probes.
# Prints each probe's lines, prefixed by its round and build, then per build the medians of the
# rounds' medians and their ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-2}"
trials="${2:-3}"
agent_jar="${AGENT_JAR:-agent/target/depcache-agent.jar}"
bench_jar=bench/target/benchmarks.jar
for needed in "$agent_jar" "$bench_jar"; do
  [ -e "$needed" ] || { echo "missing $needed: mvn package -DskipTests -pl bench -am" >&2; exit 1; }
done
# shellcheck source=lib/throwaway-redis.sh
source scripts/lib/throwaway-redis.sh
trap throwaway_redis_stop EXIT INT TERM
throwaway_redis bench-cluster-invalidate
java_cmd="${JAVA:-java}"
run_java() {
  env -u REDIS_URL -u REDIS_HOST -u REDIS_PORT -u REDIS_PASSWORD -u REDIS_DB \
    -u DEP_CACHE_ENABLED -u DEP_CACHE_PREFIX "$java_cmd" "$@"
}
out="$(mktemp -d -t bench-cluster-invalidate.XXXXXX)"
builds=(current)
[ -n "${BASELINE_JAR:-}" ] && builds+=(baseline)
for round in $(seq 1 "$rounds"); do
  for build in "${builds[@]}"; do
    jar="$agent_jar"
    [ "$build" = baseline ] && jar="$BASELINE_JAR"
    run_java -Xms512m -Xmx512m "-javaagent:$jar" "-Ddepcache.redis.url=$url" \
      -Ddepcache.prefix=bench -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
      -cp "$bench_jar" com.example.bench.InvalidateProbe "$url" "100000:$trials" \
      >"$out/$build-standalone-$round.out" 2>"$out/$build-standalone-$round.log"
    sed "s/^/round $round $build standalone /" "$out/$build-standalone-$round.out" \
      | grep -a -E '100k_(ms|unlink|vs|max|jvm|redis)'
    run_java -cp "$bench_jar" com.example.bench.ClusterProbe "$java_cmd" "$jar" 1 "$trials" \
      >"$out/$build-cluster-$round.out" 2>"$out/$build-cluster-$round.log"
    sed "s/^/round $round $build cluster /" "$out/$build-cluster-$round.out" \
      | grep -a -E 'invalidate'
  done
done
median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
for build in "${builds[@]}"; do
  standalone="$(cat "$out/$build"-standalone-*.out | sed -n 's/^invalidate_100k_ms: //p' | median)"
  cluster="$(cat "$out/$build"-cluster-*.out | sed -n 's/^cluster_invalidate_100k_ms: //p' | median)"
  ratio="$(awk -v c="$cluster" -v s="$standalone" 'BEGIN {printf "%.2f", c / s}')"
  echo "$build invalidate_100k_ms: $standalone"
  echo "$build cluster_invalidate_100k_ms: $cluster"
  echo "$build cluster_vs_standalone_100k_ratio: $ratio"
done
echo "logs: $out" >&2
