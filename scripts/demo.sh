#!/usr/bin/env bash
# The README's first command: depcache's main job, for real, in about half a minute.
#
# Builds what is missing, finds a Redis (REDIS_URL; else a throwaway redis-server on a free port;
# else depcache's in-memory backend, said plainly), starts the demo service with -javaagent, drives
# a scripted scenario over HTTP and prints what the cache did for each request. It checks what it
# shows: the run fails (exit 1) when a request does not hit or miss as expected, or returns stale
# data after an update.
#
#   scripts/demo.sh          run the scenario, stop everything it started
#   scripts/demo.sh --keep   leave the service (and its redis-server) running to try by hand
#   scripts/demo.sh --memory use depcache's in-memory backend even when a Redis is at hand
set -euo pipefail

usage() {
  echo "usage: scripts/demo.sh [--keep] [--memory]"
}

keep=false
memory=false
for arg in "$@"; do
  case "$arg" in
    --keep) keep=true ;;
    --memory) memory=true ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
java_cmd="${JAVA_HOME:+$JAVA_HOME/bin/}java"
work="$(mktemp -d "${TMPDIR:-/tmp}/depcache-demo.XXXXXX")"
app_log="$work/app.log"
app_pid=""
redis_pid=""
failures=0

say() { printf 'demo: %s\n' "$*"; }
die() { printf 'demo: FAILED: %s\n' "$*" >&2; exit 1; }

stop_pid() {
  local pid="$1"
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  if $keep && [ "$rc" -eq 0 ]; then
    return
  fi
  stop_pid "$app_pid"
  stop_pid "$redis_pid"
  if [ "$rc" -ne 0 ]; then
    printf 'demo: the service log is %s\n' "$app_log" >&2
    [ -f "$app_log" ] && tail -n 20 "$app_log" | sed 's/^/  | /' >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- build what is missing or older than its sources ------------------------------------------
# jar_of MODULE GLOB: the module's jar, or nothing.
jar_of() {
  local f
  for f in "$root/$1/target/"$2; do
    if [ -f "$f" ]; then
      printf '%s' "$f"
      return 0
    fi
  done
  return 0 # none: the caller builds (and set -e must not end the script here)
}
stale=""
for spec in "api depcache-api-*.jar" "agent depcache-agent.jar" "demo-app depcache-demo-app-*.jar"; do
  set -- $spec
  jar="$(jar_of "$1" "$2")"
  if [ -z "$jar" ] || [ -n "$(find "$root/$1/src/main" "$root/$1/pom.xml" "$root/pom.xml" \
      -type f -newer "$jar" 2>/dev/null | head -n 1)" ]; then
    stale="$stale $1"
  fi
done
if [ -n "$stale" ]; then
  say "building (out of date:$stale): mvn -B -q package -DskipTests"
  if ! (cd "$root" && mvn -B -q package -DskipTests) >"$work/build.log" 2>&1; then
    tail -n 40 "$work/build.log" >&2
    die "the build failed; its whole log: $work/build.log"
  fi
fi
agent_jar="$(jar_of agent depcache-agent.jar)"
api_jar="$(jar_of api 'depcache-api-*.jar')"
app_jar="$(jar_of demo-app 'depcache-demo-app-*.jar')"

# --- find a Redis ------------------------------------------------------------------------------
# Answers PING at host $1, port $2; bash's /dev/tcp, so redis-cli is not needed.
redis_answers() {
  local reply=""
  { exec 3<>"/dev/tcp/$1/$2"; } 2>/dev/null || return 1
  printf 'PING\r\n' >&3
  read -r -t 2 reply <&3 || true
  exec 3<&- 3>&-
  [[ "$reply" == +PONG* || "$reply" == -NOAUTH* ]]
}

redis_server="$(command -v redis-server || true)"
for candidate in /usr/bin/redis-server /usr/sbin/redis-server /usr/local/bin/redis-server; do
  [ -z "$redis_server" ] && [ -x "$candidate" ] && redis_server="$candidate"
done

backend_flags=()
if $memory; then
  say "Redis: not used (--memory): depcache's in-memory backend, in this one JVM only"
  backend_flags=(-Ddepcache.backend=memory)
elif [ -n "${REDIS_URL:-}" ]; then
  shown="$(printf '%s' "$REDIS_URL" | sed -E 's#//[^@/]*@#//***@#')"
  hostport="$(printf '%s' "$REDIS_URL" | sed -E 's#^rediss?://([^@/]*@)?##; s#/.*$##')"
  host="${hostport%:*}"
  port="${hostport##*:}"
  [ "$port" = "$hostport" ] && port=6379
  redis_answers "$host" "$port" || die "REDIS_URL ($shown) does not answer PING"
  say "Redis: $shown (from REDIS_URL)"
  backend_flags=(-Ddepcache.redis.url="$REDIS_URL")
elif [ -n "$redis_server" ]; then
  mkdir -p "$work/redis"
  for _ in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    redis_answers 127.0.0.1 "$port" && continue
    "$redis_server" --port "$port" --bind 127.0.0.1 --save "" --appendonly no \
      --dir "$work/redis" >"$work/redis/redis.log" 2>&1 &
    redis_pid=$!
    for _ in $(seq 100); do
      redis_answers 127.0.0.1 "$port" && break
      kill -0 "$redis_pid" 2>/dev/null || break
      sleep 0.1
    done
    redis_answers 127.0.0.1 "$port" && break
    stop_pid "$redis_pid"
    redis_pid=""
  done
  [ -n "$redis_pid" ] || die "redis-server did not start; its log: $work/redis/redis.log"
  say "Redis: a throwaway redis-server on port $port (pid $redis_pid, no persistence)"
  backend_flags=(-Ddepcache.redis.url="redis://127.0.0.1:$port/0")
else
  say "Redis: NONE FOUND - set REDIS_URL or install redis-server (Debian: apt-get install redis-server)."
  say "       Running on depcache's in-memory backend instead (-Ddepcache.backend=memory):"
  say "       the same caching and invalidation, but in this one JVM only, not shared in Redis."
  backend_flags=(-Ddepcache.backend=memory)
fi

# --- start the service with the agent ----------------------------------------------------------
say "starting the demo service with -javaagent:${agent_jar#"$root"/}=config=demo-app/depcache.properties"
say "  (log: $app_log)"
nohup "$java_cmd" -javaagent:"$agent_jar"=config="$root/demo-app/depcache.properties" \
  "${backend_flags[@]}" -Ddepcache.prefix=depcache-demo \
  -cp "$app_jar:$api_jar" com.example.demo.DemoApp --port=0 --clear-cache >"$app_log" 2>&1 &
app_pid=$!
base=""
for _ in $(seq 300); do
  kill -0 "$app_pid" 2>/dev/null || die "the demo service exited at start-up"
  app_port="$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$app_log" 2>/dev/null | grep -o '[0-9]*$' || true)"
  if [ -n "$app_port" ] && curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$app_port/stats"; then
    base="http://127.0.0.1:$app_port"
    break
  fi
  sleep 0.1
done
[ -n "$base" ] || die "the demo service did not answer within 30 s"
grep -q 'depcache agent installed' "$app_log" || die "the depcache agent did not install"

# --- the scenario ------------------------------------------------------------------------------
header() { tr -d '\r' <"$work/headers" | sed -n "s/^$1: *//Ip" | tail -n 1; }

# row REQUEST CACHE HITS MISSES QUERIES TIME NOTE: one line of the table.
row() {
  local line
  printf -v line '  %-40s %-5s %4s %4s %3s %9s   %s' "$@"
  printf '%s\n' "${line%"${line##*[![:space:]]}"}"
}

# step METHOD PATH CACHE "HITS MISSES QUERIES" TEXT NOTE: one request, one line of the table; the
# request fails the run unless X-Cache is CACHE, the three counts are exactly those, and the answer
# contains TEXT. In NOTE, {db-ms} stands for X-Db-Millis, the time the request's queries took added
# up.
step() {
  local method="$1" path="$2" want_cache="$3" want_counts="$4" want_text="$5" note="$6"
  local result code secs
  result="$(curl -sS --max-time 20 -o "$work/body" -D "$work/headers" \
    -w '%{http_code} %{time_total}' -X "$method" "$base$path")" || die "$method $path: no answer"
  code="${result% *}"
  secs="${result#* }"
  local cache hits misses queries problem=""
  cache="$(header X-Cache)"
  hits="$(header X-Cache-Hits)"
  misses="$(header X-Cache-Misses)"
  queries="$(header X-Db-Queries)"
  [ "$code" = 200 ] || problem="HTTP $code"
  if [ -n "$want_cache" ] && [ "$cache" != "$want_cache" ]; then
    problem="${problem:+$problem; }expected X-Cache: $want_cache, got $cache"
  fi
  if [ "$hits $misses $queries" != "$want_counts" ]; then
    problem="${problem:+$problem; }expected hits, misses, queries $want_counts, got $hits $misses $queries"
  fi
  if [ -n "$want_text" ] && ! grep -qF "$want_text" "$work/body"; then
    problem="${problem:+$problem; }no '$want_text' in the answer"
  fi
  note="${note//"{db-ms}"/$(header X-Db-Millis)}"
  row "$method $path" "$cache" "$hits" "$misses" "$queries" \
    "$(awk -v s="$secs" 'BEGIN { printf "%.1f ms", s * 1000 }')" "$note"
  if [ -n "$problem" ]; then
    printf '  ^^^ FAILED: %s; the answer was: %s\n' "$problem" "$(head -c 300 "$work/body")"
    failures=$((failures + 1))
  fi
}

# The first calls of a fresh JVM pay for class loading and the JIT. Team 8 (users 45 and 46), which
# the scenario never touches, absorbs that here, so the times below show the cache, not the
# warm-up; then the counts start from zero.
for _ in $(seq 10); do
  for path in /users/45 /teams/8/dashboard /users/45/profile; do
    curl -fsS -o /dev/null --max-time 20 "$base$path" || die "warm-up request $path failed"
  done
done
curl -fsS -o /dev/null --max-time 5 -X POST "$base/stats/reset" || die "POST /stats/reset failed"

echo
echo "  cache: the outermost cached call; hits/miss: every lookup, nested ones included;"
echo "  db: slow repository queries (30-50 ms each) that ran; time: as curl saw it"
echo
row request cache hits miss db time ""
row ---------------------------------------- ----- ---- ---- --- --------- ----
step GET /users/42 miss "0 1 1" "Ada Lovelace" "first read: the query runs"
step GET /users/42 hit "1 0 0" "Ada Lovelace" "from the cache, no query"
step GET /teams/7/dashboard miss "1 7 6" "Ada Lovelace" "nested: team, users and posts cached inside"
step GET /teams/7/dashboard hit "1 0 0" "Ada Lovelace" "one lookup, no query"
step GET /users/42/profile miss "0 1 2" "Ada Lovelace" "a future: user and posts queried at once, {db-ms} ms of queries"
step GET /users/42/profile hit "1 0 0" "Ada Lovelace" "a completed future from the cache"
step PUT "/users/42?name=Ada%20King" none "0 0 1" "Ada King" "rename: invalidates user:42"
step GET /users/42 miss "0 1 1" "Ada King" "miss after the update, new name"
step GET /users/42/profile miss "0 1 2" "Ada King" "the profile depended on user:42: new name"
step GET /teams/7/dashboard miss "7 1 0" "Ada King" "the dashboard depended on user:42 too"
step GET /teams/7/dashboard hit "1 0 0" "Ada King" ""
step POST "/users/43/posts?title=Moth%20found" none "0 0 1" "Moth found" "new post: invalidates posts:43"
step GET /teams/7/dashboard miss "6 2 1" "Moth found" "shows the new post"
step PUT "/teams/7?name=Compiler%20Team" none "0 0 1" "Compiler Team" "legacy class, rule in depcache.properties: team:7"
step GET /teams/7/dashboard miss "6 2 1" "Compiler Team" "the team and the dashboard miss; members hit"
step POST "/users/42/posts?title=Bernoulli" none "0 0 1" "Bernoulli" "new post: invalidates posts:42"
step GET /users/42/profile miss "0 1 2" "Bernoulli" "posts:42 was declared on the executor's thread"

stats="$(curl -fsS --max-time 5 "$base/stats")" || die "GET /stats failed"
field() { printf '%s' "$stats" | sed -E "s/.*\"$1\":([0-9.]+).*/\1/"; }
echo
printf '  stats (StatsCollector on DepCache.manager().events()): hits %s, misses %s, sets %s,' \
  "$(field hits)" "$(field misses)" "$(field sets)"
printf ' invalidations %s, errors %s, hit ratio %s\n' \
  "$(field invalidations)" "$(field errors)" "$(field hitRatio)"
# the sums of the table's columns; every miss stores its result; four updates
counted="$(field hits) $(field misses) $(field sets) $(field invalidations) $(field errors)"
if [ "$counted" != "24 17 17 4 0" ]; then
  echo "  ^^^ FAILED: expected hits 24, misses 17, sets 17, invalidations 4, errors 0 (errors: see the service log)"
  failures=$((failures + 1))
fi
echo

if [ "$failures" -ne 0 ]; then
  die "$failures of the scenario's expectations failed"
fi
say "every expectation held: a hit after each miss, a miss with new data after each update"

if $keep; then
  cat <<MSG

The demo service keeps running at $base (pid $app_pid; log: $app_log). Try:
  curl -i $base/users/42
  curl -i -X PUT '$base/users/42?name=Ada%20Byron'
  curl -i $base/teams/7/dashboard
  curl -i $base/users/42/profile
  curl $base/stats
Stop it with:
  kill $app_pid${redis_pid:+ $redis_pid}; rm -rf $work
MSG
fi
