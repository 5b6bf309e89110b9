#!/usr/bin/env bash
# depcache's benchmarks (issue 6): JMH benchmarks of the hit path against raw Jedis and of decoding
# with and without the pass that bounds reading, the invalidation of 10k, 100k and 1m dependents
# beside one UNLINK of the same keys (issue 13), the agent's start-up cost, and what the agent adds
# to ThreadPoolExecutor.execute outside a cached call (propagation_overhead_ns: forks with the agent
# and without, alternately), in one run. Prints a table, then one `name: value` line per figure. A
# benchmark, not a test: nothing in scripts/test.sh runs it.
#
# Usage: scripts/bench.sh [--quick]     (full: about 25 minutes on 2 cores; --quick: about 8)
# The Redis Cluster figures always come from six local redis-server processes of their own
# (redis-server and redis-cli on the PATH or in /usr/bin), started and stopped by ClusterProbe.
# Redis: REDIS_URL when set (keys go under the prefixes "bench" and "bench-startup" there, the
# invalidation of a million dependents needs about 600 MB of it for a moment, and the invalidation
# probe briefly sets slowlog-log-slower-than 1000, then restores it); otherwise a redis-server of
# its own on a free port, stopped on exit.
# JAVA (default: java on the PATH) picks the JVM; BENCH_JVM_OPTS (default -Xms512m -Xmx512m) the
# benchmark JVMs' flags. JMH's own report and the probes' logs go to bench/target/bench-run/.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=""
for arg in "$@"; do
  case "$arg" in
    --quick) quick="--quick" ;;
    *) echo "usage: scripts/bench.sh [--quick]" >&2; exit 2 ;;
  esac
done

agent_jar=agent/target/depcache-agent.jar
bench_jar=bench/target/benchmarks.jar
boot_jar=layouts/boot-app/target/boot-app.jar
demo_cp=demo-app/target/classes:api/target/classes
stale=""
for needed in "$agent_jar" "$bench_jar" "$boot_jar" demo-app/target/classes/com/example/demo/DemoApp.class \
    api/target/classes/io/depcache/DepCache.class; do
  [ -e "$needed" ] || stale=yes
done
# A jar older than a source it is built from measures code that is no longer there.
newer_than() { [ -n "$(find "${@:2}" -newer "$1" -print -quit 2>/dev/null)" ]; }
if [ -z "$stale" ] && { newer_than "$bench_jar" bench/src bench/pom.xml test-support/src \
    || newer_than "$agent_jar" agent/src/main agent/pom.xml api/src/main api/pom.xml pom.xml \
    || newer_than "$boot_jar" layouts/boot-app/src layouts/boot-app/pom.xml layouts/app-logic/src \
    || newer_than demo-app/target/classes/com/example/demo/DemoApp.class demo-app/src; }; then
  stale=yes
fi
if [ -n "$stale" ]; then
  echo "bench: building (mvn package -DskipTests)" >&2
  mvn -B -q -o package -DskipTests || mvn -B -q package -DskipTests
fi

out_dir=bench/target/bench-run
rm -rf "$out_dir"
mkdir -p "$out_dir"

# shellcheck source=lib/throwaway-redis.sh
source scripts/lib/throwaway-redis.sh # after the cd to the root, above
trap throwaway_redis_stop EXIT INT TERM

throwaway_redis bench

java_cmd="${JAVA:-java}"
jvm_opts="${BENCH_JVM_OPTS:--Xms512m -Xmx512m}"
redis_version="unknown"
if [ -n "$redis_pid" ]; then
  redis_version="$("$redis_server" --version | sed -E 's/.* v=([^ ]*).*/\1/')"
elif command -v redis-cli >/dev/null 2>&1; then
  redis_version="$(redis-cli -u "$url" INFO server 2>/dev/null | tr -d '\r' \
    | sed -n 's/^redis_version://p')"
fi
# The depcache settings come only from the flags below: the environment's are dropped.
run_java() {
  env -u REDIS_URL -u REDIS_HOST -u REDIS_PORT -u REDIS_PASSWORD -u REDIS_DB \
    -u DEP_CACHE_ENABLED -u DEP_CACHE_PREFIX "$java_cmd" "$@"
}

started=$(date +%s)
echo "bench: ${quick:-full} run on $url; JMH log: $out_dir/jmh.log" >&2
read -r -a opts <<<"$jvm_opts"
run_java -cp "$bench_jar" com.example.bench.BenchSuite "--agent=$agent_jar" "--redis=$url" \
  "--jvm-opts=$jvm_opts" "--log=$out_dir/jmh.log" $quick >"$out_dir/jmh.out"
invalidate_sizes=(10000:9 100000:5 1000000:1)
[ -n "$quick" ] && invalidate_sizes=(10000:5 100000:3 1000000:1)
echo "bench: invalidating 10k, 100k and 1m dependents, and unlinking the same keys (${invalidate_sizes[*]})" >&2
run_java "${opts[@]}" "-javaagent:$agent_jar" "-Ddepcache.redis.url=$url" -Ddepcache.prefix=bench \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$bench_jar" com.example.bench.InvalidateProbe "$url" "${invalidate_sizes[@]}" \
  >"$out_dir/invalidate.out" 2>"$out_dir/invalidate.log"
probe_rounds=10
[ -n "$quick" ] && probe_rounds=4
echo "bench: hits/s against raw GETs/s with 8 and 64 threads, interleaved, java and kryo, and kryo with 2 more threads computing without pause beside the lookups ($probe_rounds rounds)" >&2
: >"$out_dir/throughput-probe.out"
for probe in "java 8 0" "java 64 0" "kryo 8 0" "kryo 64 0" "kryo 8 2" "kryo 64 2"; do
  read -r serializer threads busy <<<"$probe"
  run_java "${opts[@]}" "-javaagent:$agent_jar" "-Ddepcache.redis.url=$url" \
    "-Ddepcache.prefix=bench-probe-$serializer" "-Ddepcache.serializer=$serializer" \
    "-Dbench.redis.url=$url" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$bench_jar" com.example.bench.ThroughputProbe "$threads" "$probe_rounds" 500 "$busy" \
    >>"$out_dir/throughput-probe.out" 2>>"$out_dir/throughput-probe.log"
done
alloc_rounds=5
[ -n "$quick" ] && alloc_rounds=3
echo "bench: bytes allocated by a hit and by a raw GET + decode, counted by the thread in one JVM, java and kryo ($alloc_rounds rounds)" >&2
: >"$out_dir/hit-alloc.out"
for serializer in java kryo; do
  run_java "${opts[@]}" "-javaagent:$agent_jar" "-Ddepcache.redis.url=$url" \
    "-Ddepcache.prefix=bench-alloc-$serializer" "-Ddepcache.serializer=$serializer" \
    "-Dbench.redis.url=$url" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$bench_jar" com.example.bench.HitAllocProbe 50000 "$alloc_rounds" \
    >>"$out_dir/hit-alloc.out" 2>>"$out_dir/hit-alloc.log"
done
near_rounds=3
[ -n "$quick" ] && near_rounds=1
echo "bench: invalidations with 3 other JVMs subscribed to the near cache (holding the dependency near, or not), against none ($near_rounds rounds)" >&2
run_java -cp "$bench_jar" com.example.bench.NearInvalidateProbe "$java_cmd" "$agent_jar" "$url" \
  "$near_rounds" 30 >"$out_dir/near-invalidate.out" 2>"$out_dir/near-invalidate.log"
cluster_rounds=20
cluster_trials=3
[ -n "$quick" ] && cluster_rounds=5 && cluster_trials=1
echo "bench: a hit and 100k dependents invalidated on a local Redis Cluster of six nodes ($cluster_rounds rounds, $cluster_trials trials)" >&2
run_java -cp "$bench_jar" com.example.bench.ClusterProbe "$java_cmd" "$agent_jar" \
  "$cluster_rounds" "$cluster_trials" >"$out_dir/cluster.out" 2>"$out_dir/cluster.log"
startup_runs=10
[ -n "$quick" ] && startup_runs=5
echo "bench: start-up of the demo service, $startup_runs runs with and without the agent" >&2
run_java -cp "$bench_jar" com.example.bench.StartupProbe "$java_cmd" "$agent_jar" "$demo_cp" \
  "$url" "$startup_runs" >"$out_dir/startup.out"
echo "bench: start-up of a Spring Boot web application ($boot_jar), $startup_runs runs each" >&2
run_java -cp "$bench_jar" com.example.bench.SpringBootStartupProbe "$java_cmd" "$agent_jar" \
  "$boot_jar" "$url" "$startup_runs" >"$out_dir/startup-spring-boot.out"

cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
echo
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine: nproc $(nproc), ${cpu:-unknown CPU}, $("$java_cmd" -version 2>&1 | head -1), Redis $redis_version"
echo "run: ${quick:-full}, $(($(date +%s) - started)) s; load average at the end:$(cut -d' ' -f1-3 /proc/loadavg | sed 's/^/ /')"
echo
# the JMH table: everything before the first blank line of BenchSuite's output
sed '/^$/q' "$out_dir/jmh.out"
details="$out_dir/details.txt"
{
  sed '1,/^$/d' "$out_dir/jmh.out"
  cat "$out_dir/invalidate.out" "$out_dir/throughput-probe.out" "$out_dir/hit-alloc.out" \
    "$out_dir/near-invalidate.out" \
    "$out_dir/cluster.out" "$out_dir/startup.out" \
    "$out_dir/startup-spring-boot.out"
} >"$details"
printf '%-44s %s\n' "measure" "value"
while IFS= read -r line; do
  printf '%-44s %s\n' "${line%%: *}" "${line#*: }"
done <"$details"
echo
for figure in hit_vs_raw_get_p50_ratio async_hit_vs_sync_hit_p50_ratio miss_vs_raw_get_p50_ratio \
    hit_alloc_bytes_per_op hit_alloc_beyond_raw_bytes_per_op \
    hit_alloc_probe_java_beyond_raw_bytes_per_op hit_alloc_probe_kryo_beyond_raw_bytes_per_op \
    invalidate_10k_vs_unlink_ratio invalidate_100k_vs_unlink_ratio \
    invalidate_100k_ms invalidate_100k_max_command_ms invalidate_1m_ms invalidate_max_command_ms \
    throughput_8t_vs_raw_ratio throughput_64t_vs_raw_ratio throughput_8t_kryo_vs_raw_ratio \
    throughput_8t_kryo_vs_raw_get_decode_ratio throughput_64t_kryo_vs_raw_ratio \
    throughput_probe_8t_java_vs_raw_get_decode_ratio throughput_probe_8t_kryo_vs_raw_get_decode_ratio \
    throughput_probe_64t_java_vs_raw_ratio throughput_probe_64t_kryo_vs_raw_ratio \
    throughput_probe_64t_kryo_busy2_vs_raw_ratio startup_overhead_ms \
    startup_overhead_spring_boot_ms serializer_java_deser_ns serializer_kryo_deser_ns \
    hit_kryo_vs_java_hit_p50_ratio decode_prepass_share propagation_overhead_ns \
    near_hit_ns_p50 near_hit_alloc_bytes_per_op near_vs_redis_hit_ratio \
    invalidate_with_near_vs_without_ratio invalidate_with_near_held_vs_without_ratio \
    cluster_hit_vs_raw_get_p50_ratio \
    cluster_invalidate_100k_ms cluster_invalidate_100k_max_command_ms; do
  value="$(sed -n "s/^$figure: //p" "$details" | head -1)"
  echo "$figure: ${value:-missing}"
done
