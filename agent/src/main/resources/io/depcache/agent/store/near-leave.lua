-- A JVM's near cache closes: its registration and watermark go.
-- KEYS: registry, watermarks
-- ARGV: member
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return 1
