-- Drops a registration that did not acknowledge message ARGV[2] within the window, unless its
-- watermark shows it did (an acknowledgement still on its way). Returns 1 when dropped.
-- KEYS: registry, watermarks, the hold filters' prefix
-- ARGV: member, message number
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  return 0
end
local seen = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if seen < tonumber(ARGV[2]) then
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[2], ARGV[1])
  unhold(KEYS[3], ARGV[1])
  return 1
end
return 0
