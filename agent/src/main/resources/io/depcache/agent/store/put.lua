-- Writes one entry and registers it in its dependency sets, atomically.
-- KEYS[1]: the entry key; KEYS[2..n]: the dependency sets it joins.
-- ARGV[1]: the value; ARGV[2]: time to live in milliseconds, 0 for no expiry.
-- A dependency set must live at least as long as its longest-lived member, or an invalidation
-- could miss an entry whose set expired first.
local ttl = tonumber(ARGV[2])

-- Check every set before writing anything: a script that fails halfway is not rolled back.
for i = 2, #KEYS do
  local kind = redis.call('TYPE', KEYS[i]).ok
  if kind ~= 'set' and kind ~= 'none' then
    return redis.error_reply('WRONGTYPE depcache dependency key ' .. KEYS[i] .. ' holds a ' .. kind)
  end
end

if ttl > 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
else
  redis.call('SET', KEYS[1], ARGV[1])
end

for i = 2, #KEYS do
  local set = KEYS[i]
  -- -2: the set is new; -1: some member never expires, so neither does the set.
  local current = redis.call('PTTL', set)
  redis.call('SADD', set, KEYS[1])
  if ttl == 0 then
    if current ~= -1 then
      redis.call('PERSIST', set)
    end
  elseif current == -2 or (current >= 0 and current < ttl) then
    redis.call('PEXPIRE', set, ttl)
  end
end
return #KEYS - 1
