-- Removes the entries of detached dependency sets (detach.lua) for about a time budget, so that no
-- call runs long however many entries a set holds.
-- A detached set never changes, so it is read, not emptied: a page at a time by position (a
-- sorted set, as put.lua writes them: ZRANGE touches only the page it returns), or with SSCAN (a
-- plain set, from an agent before the sorted sets; SSCAN returns every member of a set that does
-- not change during the scan), and each page's entries are unlinked as it is read. Once every
-- member has been read, the set itself is unlinked and taken off its dependency's sets being
-- drained, in the same step: a set still listed there may have visible entries, one that is gone
-- has none. Two invalidations may read one set at the same time; the second to finish finds it
-- gone, which is just as final.
-- KEYS: two per set: the detached set, and its dependency's set of sets being drained.
-- ARGV[1]: the budget in microseconds, by the server's clock; ARGV[2]: members per page; ARGV[3]:
-- at most this many members in all, whatever the clock says; ARGV[4..]: per set, where to go on
-- from ('0' to begin).
-- Returns {entries that existed and were removed, then per set where to go on from, or '' when the
-- set is done}.
local function now()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000000 + tonumber(time[2])
end

local deadline = now() + tonumber(ARGV[1])
local size = tonumber(ARGV[2])
local left = tonumber(ARGV[3])

-- One page of a set: its members, and where the next page begins ('0': there is none).
local function page(set, kind, from)
  if kind == 'zset' then
    local first = tonumber(from)
    local members = redis.call('ZRANGE', set, first, first + size - 1)
    if #members < size then
      return members, '0'
    end
    return members, tostring(first + size)
  elseif kind == 'set' then
    local scan = redis.call('SSCAN', set, from, 'COUNT', size)
    return scan[2], scan[1]
  end
  return {}, '0' -- gone: drained by another invalidation
end

local removed = 0
local reply = {0}
local stopped = false
for i = 1, #KEYS / 2 do
  local set = KEYS[2 * i - 1]
  local from = ARGV[3 + i]
  if not stopped then
    local kind = redis.call('TYPE', set).ok
    repeat
      local members
      members, from = page(set, kind, from)
      if #members > 0 then
        removed = removed + redis.call('UNLINK', unpack(members))
        left = left - #members
      end
      stopped = left <= 0 or now() >= deadline
    until from == '0' or stopped
    if from == '0' then
      redis.call('UNLINK', set)
      redis.call('SREM', KEYS[2 * i], set)
      from = ''
    end
  end
  reply[i + 1] = from
end
reply[1] = removed
return reply
