-- A JVM's near cache closes: its registration, watermark and hold filter go.
-- KEYS: registry, watermarks, the hold filters' prefix
-- ARGV: member
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
unhold(KEYS[3], ARGV[1])
return 1
