-- Draining detached dependency sets for about a time budget: detach.lua and drain.lua begin with
-- this text (after next-sequence.lua, for detach.lua).
-- A detached set never changes, so it is read, not emptied: a page at a time by position (a
-- sorted set, as put.lua writes them: ZRANGE touches only the page it returns), or with SSCAN (a
-- plain set, from an agent before the sorted sets; SSCAN returns every member of a set that does
-- not change during the scan), and each page's entries are unlinked as it is read. Once every
-- member has been read, the set itself is unlinked and taken off its dependency's sets being
-- drained, in the same step: a set still listed there may have visible entries, one that is gone
-- has none. Two invalidations may read one set at the same time; the second to finish finds it
-- gone, which is just as final.

-- The server's clock, in microseconds.
local function now()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000000 + tonumber(time[2])
end

-- One page of `size` members of a set, from `from`; returns them and where the next page begins
-- ('0': there is none).
local function page(set, kind, from, size)
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

-- Drains sets[i] (listed in drainings[i]) from froms[i], in order, until the clock passes
-- `deadline` or `left` members were read. Each froms[i] becomes where to go on from, or '' when
-- the set is done. Returns how many entries existed and were removed.
local function drainSets(sets, drainings, froms, deadline, size, left)
  local removed = 0
  for i = 1, #sets do
    local kind = redis.call('TYPE', sets[i]).ok
    local from = froms[i]
    local stopped = false
    repeat
      local members
      members, from = page(sets[i], kind, from, size)
      if #members > 0 then
        removed = removed + redis.call('UNLINK', unpack(members))
        left = left - #members
      end
      stopped = left <= 0 or now() >= deadline
    until from == '0' or stopped
    if from == '0' then
      redis.call('UNLINK', sets[i])
      redis.call('SREM', drainings[i], sets[i])
      from = ''
    end
    froms[i] = from
    if stopped then
      break
    end
  end
  return removed
end
