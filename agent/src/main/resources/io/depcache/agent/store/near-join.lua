-- A JVM's near cache (re)joins: a new registration, whose watermark is the message counter now,
-- replaces its old one (see the package javadoc of io.depcache.agent.near).
-- KEYS: registry, watermarks, message counter
-- ARGV: new member, old member, score (expiry), forget registrations below this score
redis.call('ZREM', KEYS[1], ARGV[2])
redis.call('HDEL', KEYS[2], ARGV[2])
local counter = redis.call('GET', KEYS[3]) or '0'
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], counter)
forget(KEYS[1], KEYS[2], ARGV[4])
return tonumber(counter)
