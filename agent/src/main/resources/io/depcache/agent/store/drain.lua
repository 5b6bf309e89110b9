-- Removes the entries of detached dependency sets (detach.lua) for about a time budget, so that no
-- call runs long however many entries a set holds.
-- A detached set never changes, so it is read, not emptied: SSCAN returns every member of a set
-- that does not change during the scan, and each page's entries are unlinked as it is read. Once
-- a scan has seen every member, the set itself is unlinked and taken off its dependency's sets
-- being drained, in the same step: a set still listed there may have visible entries, one that is
-- gone has none. Two invalidations may scan one set at the same time; the second to finish finds
-- it gone, which is just as final.
-- KEYS: two per set: the detached set, and its dependency's set of sets being drained.
-- ARGV[1]: the budget in microseconds, by the server's clock; ARGV[2]: members per page (SSCAN
-- COUNT); ARGV[3]: at most this many members in all, whatever the clock says; ARGV[4..]: per set,
-- the cursor to go on from ('0' to begin).
-- Returns {entries that existed and were removed, then per set the cursor to go on from, or ''
-- when the set is done}.
local function now()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000000 + tonumber(time[2])
end

local deadline = now() + tonumber(ARGV[1])
local left = tonumber(ARGV[3])
local removed = 0
local reply = {0}
local stopped = false
for i = 1, #KEYS / 2 do
  local set = KEYS[2 * i - 1]
  local cursor = ARGV[3 + i]
  if not stopped then
    repeat
      local page = redis.call('SSCAN', set, cursor, 'COUNT', ARGV[2])
      cursor = page[1]
      local members = page[2]
      if #members > 0 then
        removed = removed + redis.call('UNLINK', unpack(members))
        left = left - #members
      end
      stopped = left <= 0 or now() >= deadline
    until cursor == '0' or stopped
    if cursor == '0' then
      redis.call('UNLINK', set)
      redis.call('SREM', KEYS[2 * i], set)
      cursor = ''
    end
  end
  reply[i + 1] = cursor
end
reply[1] = removed
return reply
