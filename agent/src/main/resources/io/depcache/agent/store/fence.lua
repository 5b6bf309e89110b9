-- Fences keys before they are deleted: one new invalidation sequence (next-sequence.lua, which
-- this script begins with), written to each fence key, so that put.lua refuses results computed
-- before it.
-- KEYS[1]: the store's sequence key; KEYS[2]: its epoch key; KEYS[3..]: fence keys.
-- ARGV[1]: how long a fence lasts (ms). Returns the new sequence.
local text = nextSequence()
for i = 3, #KEYS do
  redis.call('SET', KEYS[i], text, 'PX', ARGV[1])
end
return tonumber(text)
