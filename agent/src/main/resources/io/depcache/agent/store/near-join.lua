-- A JVM's near cache (re)joins: a new registration, whose watermark is the message counter now and
-- whose hold filter is empty (see near-forget.lua), replaces its old one
-- (see the package javadoc of io.depcache.agent.near).
-- Returns the near caches' reset count (see near-beat.lua).
-- KEYS: registry, watermarks, message counter, the hold filters' prefix, the reset count
-- ARGV: new member, old member, score (expiry), forget registrations below this score
redis.call('ZREM', KEYS[1], ARGV[2])
redis.call('HDEL', KEYS[2], ARGV[2])
unhold(KEYS[4], ARGV[2])
local counter = redis.call('GET', KEYS[3]) or '0'
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], counter)
unhold(KEYS[4], ARGV[1])
redis.call('SADD', KEYS[4] .. 'jvm:' .. ARGV[1], '0')
redis.call('SADD', KEYS[4] .. 'jvms', ARGV[1])
forget(KEYS[1], KEYS[2], KEYS[4], ARGV[4])
return tonumber(redis.call('GET', KEYS[5]) or '0')
