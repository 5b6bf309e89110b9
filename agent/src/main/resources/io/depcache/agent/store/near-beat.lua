-- A heartbeat, in one step with the renewal of the registration it relies on: published with the
-- near caches' reset count (raised by an invalidator that could not publish its message: every
-- JVM that hears a new count empties its near cache), then 1 when the JVM was still registered
-- (and renewed), 0 when an invalidator had dropped it.
-- KEYS: registry, watermarks, the JVM's own channel, the hold filters' prefix, the reset count
-- ARGV: member, score (expiry), forget registrations below this score, the message before them
local present = redis.call('ZSCORE', KEYS[1], ARGV[1])
if present then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
end
forget(KEYS[1], KEYS[2], KEYS[4], ARGV[3])
local reset = redis.call('GET', KEYS[5]) or '0'
redis.call('PUBLISH', KEYS[3], ARGV[4] .. reset .. '|' .. (present and '1' or '0'))
return present and 1 or 0
