-- Fences dependencies and detaches their sets for draining, in one step: the fence comes before
-- any entry is removed, so a computation that read before it is refused (put.lua), and whatever
-- was written before it is in the set detached here. Begins with next-sequence.lua.
-- KEYS[1]: the store's sequence key; KEYS[2]: its epoch key; then four keys per dependency: its
-- set, its fence key, the set of its sets being drained, and the name its set is renamed to.
-- ARGV[1]: how long a fence lasts (ms); ARGV[2]: how long the set of sets being drained lives (ms),
-- a bound for sets nobody finished.
-- Returns, per dependency, every set of it still being drained, by this invalidation or by others
-- that run at the same time or stopped half way: the caller drains them all (drain.lua).
-- Renamed, so that registrations arriving meanwhile start a fresh set, and a detached set never
-- changes again.
local text = nextSequence()
local draining = {}
for i = 3, #KEYS, 4 do
  redis.call('SET', KEYS[i + 1], text, 'PX', ARGV[1])
  local kind = redis.call('TYPE', KEYS[i]).ok
  if kind == 'zset' or kind == 'set' then
    redis.call('RENAME', KEYS[i], KEYS[i + 3])
    redis.call('SADD', KEYS[i + 2], KEYS[i + 3])
    redis.call('PEXPIRE', KEYS[i + 2], ARGV[2])
  elseif kind ~= 'none' then
    -- Not a dependency set (put.lua), so nothing depends on it through depcache: foreign data
    -- under our name, removed.
    redis.call('UNLINK', KEYS[i])
  end
  draining[#draining + 1] = redis.call('SMEMBERS', KEYS[i + 2])
end
return draining
