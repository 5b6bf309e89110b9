-- Fences keys before they are invalidated or deleted: one new invalidation sequence, written to
-- each fence key, so that put.lua refuses results computed before it.
-- KEYS[1]: the store's sequence key; KEYS[2..]: fence keys. ARGV[1]: how long a fence lasts (ms).
-- Returns the new sequence.
local sequence = redis.call('INCR', KEYS[1])
for i = 2, #KEYS do
  redis.call('SET', KEYS[i], sequence, 'PX', ARGV[1])
end
return sequence
