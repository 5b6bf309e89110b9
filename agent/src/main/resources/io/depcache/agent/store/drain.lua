-- Goes on draining detached dependency sets (detach.lua) for about a time budget, so that no call
-- runs long however many entries a set holds. Begins with drain-sets.lua.
-- KEYS: two per set: the detached set, and its dependency's set of sets being drained.
-- ARGV[1]: the budget in microseconds, by the server's clock; ARGV[2]: members per page; ARGV[3]:
-- at most this many members in all, whatever the clock says; ARGV[4..]: per set, where to go on
-- from ('0' to begin).
-- Returns {entries that existed and were removed, then per set where to go on from, or '' when the
-- set is done}.
local deadline = now() + tonumber(ARGV[1])
local sets, drainings, froms = {}, {}, {}
for i = 1, #KEYS / 2 do
  sets[i] = KEYS[2 * i - 1]
  drainings[i] = KEYS[2 * i]
  froms[i] = ARGV[3 + i]
end
local reply = {drainSets(sets, drainings, froms, deadline, tonumber(ARGV[2]), tonumber(ARGV[3]))}
for i = 1, #froms do
  reply[i + 1] = froms[i]
end
return reply
