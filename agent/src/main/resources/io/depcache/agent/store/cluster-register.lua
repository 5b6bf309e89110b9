-- Registers an entry in one dependency set before the entry is written (RedisClusterStore), unless
-- the dependency was fenced after the data behind the entry was read: all in the dependency's slot.
-- KEYS[1]: the dependency set; KEYS[2]: its fence.
-- ARGV[1]: the entry's key (the member); ARGV[2]: the entry's time to live in milliseconds, 0 for
-- no expiry; ARGV[3]: the sequence at which the data for this dependency was read.
-- Returns 1 when registered, -1 when the fence refused it.
local mark = redis.call('GET', KEYS[2])
if mark and (tonumber(mark) or math.huge) > tonumber(ARGV[3]) then
  return -1
end
local kind = redis.call('TYPE', KEYS[1]).ok
if kind ~= 'zset' and kind ~= 'none' then
  return redis.error_reply('WRONGTYPE a depcache dependency set of this entry holds a ' .. kind)
end
-- In the order members joined, as put.lua does: an invalidation reads the set by position.
local ttl = tonumber(ARGV[2])
local current = redis.call('PTTL', KEYS[1])
redis.call('ZADD', KEYS[1], 'NX', redis.call('ZCARD', KEYS[1]), ARGV[1])
-- A dependency set lives at least as long as its longest-lived member.
if ttl == 0 then
  if current ~= -1 then
    redis.call('PERSIST', KEYS[1])
  end
elseif current == -2 or (current >= 0 and current < ttl) then
  redis.call('PEXPIRE', KEYS[1], ttl)
end
return 1
