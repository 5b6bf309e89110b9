-- A JVM is about to hold near entries of some dependencies: sets their bits in its registration's
-- hold filter, if it is still registered. Returns 0 when it was not (nothing is set).
-- KEYS: registry, the hold filters' prefix
-- ARGV: member, then the bits
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  return 0
end
local filter = KEYS[2] .. ARGV[1]
for i = 2, #ARGV do
  redis.call('SETBIT', filter, ARGV[i], 1)
end
return 1
