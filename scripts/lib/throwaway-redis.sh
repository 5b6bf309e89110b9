# Sourced by the scripts that need a Redis: REDIS_URL when set, else a redis-server of their own on
# a free port, without persistence, stopped (and its directory removed) on exit.
#   throwaway_redis NAME   sets url (and, when it started one, redis_pid, redis_dir, redis_server);
#                          NAME prefixes its messages; exits 1 when there is no Redis to be had
#   throwaway_redis_stop   stops what throwaway_redis started; safe to call more than once
# The caller installs its trap: trap 'throwaway_redis_stop' EXIT INT TERM (or calls it from its own).

redis_pid=""
redis_dir=""
redis_server=""

throwaway_redis_stop() {
  if [ -n "$redis_pid" ]; then
    kill "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
    redis_pid=""
  fi
  if [ -n "$redis_dir" ]; then
    rm -rf "$redis_dir"
    redis_dir=""
  fi
}

throwaway_redis() {
  local name=$1 candidate attempt port
  url="${REDIS_URL:-}"
  for candidate in redis-server /usr/bin/redis-server /usr/sbin/redis-server \
      /usr/local/bin/redis-server; do
    if command -v "$candidate" >/dev/null 2>&1; then
      redis_server="$(command -v "$candidate")"
      break
    fi
  done
  if [ -n "$url" ]; then
    return 0
  fi
  if [ -z "$redis_server" ]; then
    echo "$name: redis-server not found; install it or set REDIS_URL" >&2
    exit 1
  fi
  redis_dir="$(mktemp -d -t "$name-redis.XXXXXX")"
  for attempt in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      continue # taken
    fi
    "$redis_server" --port "$port" --bind 127.0.0.1 --dir "$redis_dir" --save '' \
      --appendonly no >"$redis_dir/redis.log" 2>&1 &
    redis_pid=$!
    for _ in $(seq 1 50); do
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        url="redis://127.0.0.1:$port/0"
        return 0
      fi
      if ! kill -0 "$redis_pid" 2>/dev/null; then
        break
      fi
      sleep 0.1
    done
    kill "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
    redis_pid=""
  done
  echo "$name: redis-server did not start; its log:" >&2
  cat "$redis_dir/redis.log" >&2 || true
  exit 1
}
