-- Acknowledges an applied invalidation: raises the JVM's watermark to the message's number if it
-- is still registered, and answers the invalidator. Returns 0 when it was dropped.
-- KEYS: registry, watermarks, the invalidator's channel
-- ARGV: member, message number, the acknowledgement
local present = redis.call('ZSCORE', KEYS[1], ARGV[1])
if present then
  local seen = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
  if tonumber(ARGV[2]) > seen then
    redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
  end
end
redis.call('PUBLISH', KEYS[3], ARGV[3])
return present and 1 or 0
