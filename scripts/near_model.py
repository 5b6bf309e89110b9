#!/usr/bin/env python3
"""What the near cache's coherence protocol costs Redis for a fleet of JVMs (DESIGN.md guarantee 7:
"cheap for a fleet of 1,000 JVMs and 10,000 invalidations a second: show it with a model or a
simulation").

A simulation against a real redis-server, with the agent's own Lua scripts (read from
agent/src/main/resources/io/depcache/agent/store): N simulated JVMs, each one subscription to the
broadcast channel and its own, registered in the registry with a watermark and a hold filter
(near-forget.lua tells how they are kept),
beating every 100 ms (near-beat.lua), and acknowledging every invalidation it receives
(near-ack.lua); H of them hold the invalidated dependency (its bit is set in their filters); one
invalidator publishing invalidations of it (near-announce.lua, which sends them to the holders'
own channels) at a fixed rate and counting the acknowledgements on its own channel. It measures
Redis' CPU (INFO cpu) with heartbeats only, then with invalidations, and prints per fleet size:

  near_model_<n>_<h>_heartbeat_cpu_share    Redis CPU spent on heartbeats, as a share of one core
  near_model_<n>_<h>_cpu_us_per_invalidation Redis CPU one invalidation costs (publish, acks)
  near_model_<n>_<h>_max_invalidations_per_s what one Redis core could sustain besides heartbeats

Python stands in for the JVMs, so the time an invalidation waits here is the simulator's, not the
agent's: only Redis' CPU is the figure. Usage: scripts/near_model.py PORT [N[/H] ...] (default
10 100 1000, each with every JVM holding the dependency; N/H: H of them); stdlib only.
"""
import os
import selectors
import socket
import sys
import time

RESOURCES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "agent", "src", "main",
                         "resources", "io", "depcache", "agent", "store")
PREFIX = "model:@near"
REGISTRY = PREFIX + ":jvms"
WATERMARKS = PREFIX + ":applied"
COUNTER = PREFIX + ":n"
BROADCAST = PREFIX
SEQUENCE = "model:@seq"
INVALIDATOR = PREFIX + ":invalidator"
HOLDS = PREFIX + ":holds:"
RESETS = PREFIX + ":reset"
BIT = 4242  # the invalidated dependency's bit in the hold filters
HEARTBEAT_S = 0.1
PHASE_S = 5.0


def script(*names):
    return "".join(open(os.path.join(RESOURCES, n)).read() + "\n" for n in names)


def encode(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        b = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(b), b))
    return b"".join(out)


class Conn:
    """One RESP connection: commands written in batches, replies parsed as they arrive."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.out = []

    def send(self, *args):
        self.out.append(encode(*args))

    def flush(self):
        if self.out:
            self.sock.sendall(b"".join(self.out))
            self.out = []

    def call(self, *args):
        self.send(*args)
        self.flush()
        while True:
            reply = self.parse()
            if reply is not None:
                return reply[0]
            self.fill()

    def fill(self):
        data = self.sock.recv(1 << 16)
        if not data:
            raise ConnectionError("redis closed the connection")
        self.buf += data

    def parse(self, at=0):
        """(reply, end) of the reply at `at`, or None when incomplete; stores the rest."""
        r = self._parse(at)
        if r is None:
            return None
        self.buf = self.buf[r[1]:]
        return r

    def _parse(self, at):
        end = self.buf.find(b"\r\n", at)
        if end < 0:
            return None
        kind, line = self.buf[at:at + 1], self.buf[at + 1:end]
        if kind in (b"+", b":"):
            return (int(line) if kind == b":" else line), end + 2
        if kind == b"-":
            raise RuntimeError(line.decode())
        if kind == b"$":
            n = int(line)
            if n < 0:
                return None, end + 2
            if len(self.buf) < end + 2 + n + 2:
                return None
            return self.buf[end + 2:end + 2 + n], end + 2 + n + 2
        if kind == b"*":
            n = int(line)
            items, pos = [], end + 2
            for _ in range(n):
                r = self._parse(pos)
                if r is None:
                    return None
                items.append(r[0])
                pos = r[1]
            return items, pos
        raise RuntimeError("unexpected reply %r" % kind)

    def drop_ready_replies(self):
        """Reads what has arrived, without waiting, and drops the complete replies."""
        self.sock.setblocking(False)
        try:
            self.buf += self.sock.recv(1 << 20)
        except BlockingIOError:
            pass
        self.sock.setblocking(True)
        self.drain_replies()

    def drain_replies(self):
        """Reads and drops every complete reply buffered; returns how many."""
        count = 0
        while True:
            r = self._parse(0)
            if r is None:
                return count
            self.buf = self.buf[r[1]:]
            count += 1


def redis_cpu(admin):
    info = admin.call("INFO", "cpu").decode()
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    return float(fields["used_cpu_user"]) + float(fields["used_cpu_sys"])


def simulate(port, n, holders, rate):
    admin = Conn(port)
    # the model's keys only: the registry, watermarks, counter and hold filters of the last run
    admin.call("EVAL", "for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', k)"
               " end return 1", 0, PREFIX + "*")
    beat = admin.call("SCRIPT", "LOAD", script("near-forget.lua", "near-beat.lua")).decode()
    ack = admin.call("SCRIPT", "LOAD", script("near-ack.lua")).decode()
    announce = admin.call("SCRIPT", "LOAD", script("near-announce.lua")).decode()
    far = int(time.time() * 1000) + 3_600_000
    members = ["jvm%d/1" % i for i in range(n)]
    for i, m in enumerate(members):
        admin.send("ZADD", REGISTRY, far, m)
        admin.send("HSET", WATERMARKS, m, 0)
        bit = BIT if i < holders else BIT + 1
        admin.send("SADD", HOLDS + "jvm:" + m, 0, bit)
        admin.send("SADD", HOLDS + "jvms", m)
        admin.send("SADD", HOLDS + str(bit), m)
    admin.flush()
    replies = admin.drain_replies()
    while replies < 5 * n:
        admin.fill()
        replies += admin.drain_replies()
    commands = [Conn(port) for _ in range(4)]
    selector = selectors.DefaultSelector()
    subscribers = []
    for i, m in enumerate(members):
        c = Conn(port)
        c.sock.sendall(encode("SUBSCRIBE", BROADCAST, PREFIX + ":jvm%d" % i))
        c.sock.setblocking(False)
        selector.register(c.sock, selectors.EVENT_READ, (c, m))
        subscribers.append(c)
    invalidator = Conn(port)
    invalidator.sock.sendall(encode("SUBSCRIBE", INVALIDATOR))
    invalidator.sock.setblocking(False)
    selector.register(invalidator.sock, selectors.EVENT_READ, (invalidator, None))
    publisher = Conn(port)
    acks = {}

    def run(seconds, invalidations_per_s):
        start = time.monotonic()
        next_beat = start
        next_invalidation = start
        published = 0
        while time.monotonic() - start < seconds:
            now = time.monotonic()
            if now >= next_beat:
                score = int(time.time() * 1000) + 10_000
                for i, m in enumerate(members):
                    commands[i % len(commands)].send(
                        "EVALSHA", beat, 5, REGISTRY, WATERMARKS, PREFIX + ":jvm%d" % i, HOLDS,
                        RESETS, m, score, 0, "h|jvm%d|1|" % i)
                next_beat += HEARTBEAT_S
            if invalidations_per_s and now >= next_invalidation:
                publisher.send("EVALSHA", announce, 5, COUNTER, BROADCAST, SEQUENCE, REGISTRY,
                               HOLDS, "i|invalidator|", "|model:default:d:user:42", 0,
                               "invalidator", BIT)
                publisher.flush()
                published += 1
                next_invalidation += 1.0 / invalidations_per_s
            for c in commands:
                c.flush()
            for key, _ in selector.select(timeout=0.001):
                conn, member = key.data
                try:
                    conn.buf += conn.sock.recv(1 << 16)
                except BlockingIOError:
                    continue
                while True:
                    r = conn.parse()
                    if r is None:
                        break
                    msg = r[0]
                    if not isinstance(msg, list) or msg[0] != b"message":
                        continue
                    body = msg[2]
                    if member is None:
                        number = body.split(b"|")[1]
                        acks[number] = acks.get(number, 0) + 1
                    elif body.startswith(b"i|"):
                        number = body.split(b"|")[2]
                        commands[hash(member) % len(commands)].send(
                            "EVALSHA", ack, 3, REGISTRY, WATERMARKS, INVALIDATOR, member, number,
                            b"a|" + number + b"|" + member.encode())
            for c in commands + [publisher]:
                c.drop_ready_replies()
        return published

    run(1.0, 0)  # warm up: subscriptions confirmed, scripts cached
    cpu = redis_cpu(admin)
    run(PHASE_S, 0)
    heartbeat_cpu = (redis_cpu(admin) - cpu) / PHASE_S
    acks.clear()
    cpu = redis_cpu(admin)
    published = run(PHASE_S, rate)
    total = redis_cpu(admin) - cpu
    run(1.0, 0)  # let the last acknowledgements arrive
    per_invalidation = max(0.0, total - heartbeat_cpu * PHASE_S) / max(1, published)
    complete = sum(1 for v in acks.values() if v >= holders)
    for c in subscribers + commands + [invalidator, publisher, admin]:
        c.sock.close()
    return heartbeat_cpu, per_invalidation, published, complete


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    port = int(sys.argv[1])
    sizes = sys.argv[2:] or ["10", "100", "1000"]
    for size in sizes:
        n, _, h = size.partition("/")
        n = int(n)
        holders = int(h) if h else n
        # keep the simulator itself from saturating
        rate = max(5, min(200, 20_000 // max(1, holders), 200_000 // n))
        heartbeat_cpu, per_invalidation, published, complete = simulate(port, n, holders, rate)
        if complete < published * 0.9:
            print("near_model_%d_%d: only %d of %d invalidations were acknowledged by all %d"
                  " holders: the simulator fell behind" % (n, holders, complete, published,
                                                           holders), file=sys.stderr)
        spare = max(0.0, 1.0 - heartbeat_cpu)
        name = "near_model_%d_%d" % (n, holders)
        print("%s_heartbeat_cpu_share: %.3f" % (name, heartbeat_cpu))
        print("%s_cpu_us_per_invalidation: %.1f" % (name, per_invalidation * 1e6))
        print("%s_max_invalidations_per_s: %.0f" % (
            name, spare / per_invalidation if per_invalidation > 0 else float("inf")))
        print("%s_run: %d invalidations at %d/s, %d acknowledged by every holder" % (
            name, published, rate, complete))


if __name__ == "__main__":
    main()
