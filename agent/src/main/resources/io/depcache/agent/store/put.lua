-- Writes one entry and registers it in its dependency sets, atomically.
-- KEYS[1]: the entry key; KEYS[2..n]: the dependency sets it joins; when fenced, KEYS[n+1..2n]:
-- the fence keys of KEYS[1..n], in the same order, then the store's sequence key and its epoch key.
-- ARGV[1]: the value; ARGV[2]: time to live in milliseconds, 0 for no expiry; ARGV[3]: the
-- invalidation sequence the computation started at, or -1 for an unfenced write; when fenced,
-- ARGV[4..n+2]: per dependency set, the oldest sequence at which data for it was read.
-- Returns the number of dependency sets joined, or -1 when a fence refused the write.
-- A dependency set must live at least as long as its longest-lived member, or an invalidation
-- could miss an entry whose set expired first.
local ttl = tonumber(ARGV[2])
local since = tonumber(ARGV[3] or '-1')
local n = #KEYS

if since >= 0 then
  n = (#KEYS - 2) / 2
  -- The store lost its sequence after the computation read it (fence.lua): its fences may be lost
  -- too, so nothing can show the result is fresh. A sequence below the computation's went back (a
  -- failover to a replica that lagged), and one whose epoch began after it was lost and begun
  -- again. A computation that read no sequence (since 0) is fresh while none exists.
  local current = tonumber(redis.call('GET', KEYS[#KEYS - 1]) or '')
  local epoch = tonumber(redis.call('GET', KEYS[#KEYS]) or '') or 0
  if current == nil then
    if since > 0 then
      return -1
    end
  elseif since > current or since < epoch then
    return -1
  end
  -- A delete fenced the entry, or an invalidation fenced a dependency, after the data behind it
  -- was read: the result may predate the change, so it must not be stored.
  for i = 1, n do
    local mark = redis.call('GET', KEYS[n + i])
    local read = since
    if i > 1 then
      read = tonumber(ARGV[i + 2])
    end
    if mark and tonumber(mark) > read then
      return -1
    end
  end
end

-- Check every set before writing anything: a script that fails halfway is not rolled back.
-- A dependency set is a sorted set: unlike a set, it can be read a page at a time by position,
-- which is what makes an invalidation cheap (drain-sets.lua). A member's score is the set's size
-- when it joined, so that an invalidation reads (and unlinks) entries in the order they were
-- registered, which is about the order Redis allocated them in: fewer cache misses than an order
-- by name. A member that is there already keeps its place (NX). A plain set is one that an agent
-- from before the sorted sets wrote: it takes its registrations until it is invalidated, and its
-- successor is a sorted set.
local kinds = {}
for i = 2, n do
  local kind = redis.call('TYPE', KEYS[i]).ok
  if kind ~= 'zset' and kind ~= 'set' and kind ~= 'none' then
    return redis.error_reply('WRONGTYPE a depcache dependency set of this entry holds a ' .. kind)
  end
  kinds[i] = kind
end

if ttl > 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
else
  redis.call('SET', KEYS[1], ARGV[1])
end

for i = 2, n do
  local set = KEYS[i]
  -- -2: the set is new; -1: some member never expires, so neither does the set.
  local current = redis.call('PTTL', set)
  if kinds[i] == 'set' then
    redis.call('SADD', set, KEYS[1])
  else
    redis.call('ZADD', set, 'NX', redis.call('ZCARD', set), KEYS[1])
  end
  if ttl == 0 then
    if current ~= -1 then
      redis.call('PERSIST', set)
    end
  elseif current == -2 or (current >= 0 and current < ttl) then
    redis.call('PEXPIRE', set, ttl)
  end
end
return n - 1
