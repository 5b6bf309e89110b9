-- Replaces what one JVM published for `stats` (StoreAdmin.publish): its counters, and their life.
-- KEYS[1]: the JVM's stats key. ARGV[1]: the life in ms; then field, value, field, value, ...
-- The fields go in HSETs of at most 100 pairs: Lua unpacks a few thousand values at most.
redis.call('DEL', KEYS[1])
for i = 2, #ARGV, 200 do
  redis.call('HSET', KEYS[1], unpack(ARGV, i, math.min(i + 199, #ARGV)))
end
return redis.call('PEXPIRE', KEYS[1], ARGV[1])
