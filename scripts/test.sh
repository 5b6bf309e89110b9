#!/usr/bin/env bash
# The README's test command: builds everything and runs every test, unit and end-to-end.
#
# Redis: the tests use REDIS_URL when it is set; else Testcontainers when a Docker engine answers;
# else they start redis-server on a free port. This script installs Debian's redis-server when it
# is missing and apt-get is available, so the third path works on a fresh machine.
#
# The end-to-end tests also run on every JDK listed in DEPCACHE_IT_JAVA_HOMES (':'-separated);
# by default that is Temurin 25 when /usr/lib/jvm/temurin-25-jdk-amd64 exists.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${REDIS_URL:-}" ] && ! command -v redis-server >/dev/null 2>&1 \
    && [ ! -x /usr/bin/redis-server ] && [ ! -x /usr/sbin/redis-server ]; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "scripts/test.sh: installing redis-server from Debian's packages"
    sudo_cmd=""
    if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq redis-server >/dev/null
  else
    echo "scripts/test.sh: redis-server is missing and apt-get is not available;" \
      "install Redis or set REDIS_URL" >&2
    exit 1
  fi
fi

jdk25=/usr/lib/jvm/temurin-25-jdk-amd64
homes="${DEPCACHE_IT_JAVA_HOMES-}"
if [ -z "${DEPCACHE_IT_JAVA_HOMES+set}" ] && [ -x "$jdk25/bin/java" ]; then
  homes="$jdk25"
fi
echo "scripts/test.sh: end-to-end tests on $(java -version 2>&1 | head -1)${homes:+ and $homes}"

exec mvn -B verify -Dit.java.homes="$homes" "$@"
