-- A JVM is about to hold near entries of some dependencies: adds their bits to its registration's
-- hold filter (see near-forget.lua), if it is still registered. Returns 0 when it was not (nothing
-- is added).
-- KEYS: registry, the hold filters' prefix
-- ARGV: member, then the bits
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  return 0
end
local filter = KEYS[2] .. 'jvm:' .. ARGV[1]
for i = 2, #ARGV do
  redis.call('SADD', filter, ARGV[i])
  redis.call('SADD', KEYS[2] .. ARGV[i], ARGV[1])
end
return 1
