-- Fences dependencies and detaches their sets, then drains what it detached for about a time
-- budget, in one step: the fence comes before any entry is removed, so a computation that read
-- before it is refused (put.lua), and whatever was written before it is in the set detached here.
-- A small invalidation is this one call. Begins with next-sequence.lua and drain-sets.lua.
-- KEYS[1]: the store's sequence key; KEYS[2]: its epoch key; then four keys per dependency: its
-- set, its fence key, the set of its sets being drained, and the name its set is renamed to.
-- ARGV[1]: how long a fence lasts (ms); ARGV[2]: how long the set of sets being drained lives (ms),
-- a bound for sets nobody finished; ARGV[3..5]: the budget, page size and most members of
-- drain.lua; ARGV[6]: the most members of a sorted set that this script drains: a larger one is
-- only detached, and the caller reads and unlinks its members (RedisInvalidator), which costs
-- Redis less than a script that reads them.
-- Returns {entries that existed and were removed, then per dependency {where its detached set goes
-- on from ('' when done, or when it had no set), how many members it holds when it is a sorted set
-- (0 otherwise), then every other set of it still being drained, by invalidations that run at the
-- same time or stopped half way, each followed by its size as well}}: the caller drains them all
-- (drain.lua, where they are keys of the call, or by reading the larger sorted sets).
-- Renamed, so that registrations arriving meanwhile start a fresh set, and a detached set never
-- changes again.
local deadline = now() + tonumber(ARGV[3])
local text = nextSequence()
local scriptMost = tonumber(ARGV[6])
local own, ownDrainings, froms, others = {}, {}, {}, {}
local ownIndex, sizes = {}, {}
-- How many members a set holds when it is sorted, 0 when it is not (or gone).
local function sortedSize(set)
  if redis.call('TYPE', set).ok == 'zset' then
    return redis.call('ZCARD', set)
  end
  return 0
end
for i = 3, #KEYS, 4 do
  redis.call('SET', KEYS[i + 1], text, 'PX', ARGV[1])
  local kind = redis.call('TYPE', KEYS[i]).ok
  if kind == 'zset' or kind == 'set' then
    redis.call('RENAME', KEYS[i], KEYS[i + 3])
    redis.call('SADD', KEYS[i + 2], KEYS[i + 3])
    redis.call('PEXPIRE', KEYS[i + 2], ARGV[2])
    sizes[i] = kind == 'zset' and redis.call('ZCARD', KEYS[i + 3]) or 0
    if sizes[i] <= scriptMost then
      own[#own + 1] = KEYS[i + 3]
      ownDrainings[#own] = KEYS[i + 2]
      froms[#own] = '0'
      ownIndex[i] = #own
    end
  elseif kind ~= 'none' then
    -- Not a dependency set (put.lua), so nothing depends on it through depcache: foreign data
    -- under our name, removed.
    redis.call('UNLINK', KEYS[i])
  end
  local listed = {}
  for _, set in ipairs(redis.call('SMEMBERS', KEYS[i + 2])) do
    if set ~= KEYS[i + 3] then
      listed[#listed + 1] = set
      listed[#listed + 1] = sortedSize(set)
    end
  end
  others[i] = listed
end
local reply = {drainSets(own, ownDrainings, froms, deadline, tonumber(ARGV[4]), tonumber(ARGV[5]))}
for i = 3, #KEYS, 4 do
  local dependency = {'', 0}
  if ownIndex[i] then
    dependency[1] = froms[ownIndex[i]]
  elseif sizes[i] then
    dependency[1] = '0' -- detached, not drained: the caller reads it
  end
  if dependency[1] ~= '' then
    dependency[2] = sizes[i]
  end
  for _, set in ipairs(others[i]) do
    dependency[#dependency + 1] = set
  end
  reply[#reply + 1] = dependency
end
return reply
