-- Publishes an invalidation in one step with what its invalidator needs: the store's sequence now
-- (the message's fence), the next message number (every subscription delivers the messages in the
-- order of their numbers), and the registry as it is at the publication.
--
-- Given bits (an invalidation of dependencies), only the registrations whose hold filter has one of
-- them are returned, read from the sets of those bits (see near-forget.lua: the cost is that of
-- the holders, not of the registry), and the message goes to their own channels only (but the
-- invalidator's). Should some registration have no filter (a JVM whose agent keeps none, or a
-- filter lost), every registration is returned and the message goes to every JVM, on the
-- broadcast channel.
-- KEYS: message counter, the broadcast channel, the store's sequence, registry, the filters' prefix
-- ARGV: the message before its number, the message after its sequence, registrations since, the
--       invalidator's id, then the bits
local sequence = redis.call('GET', KEYS[3]) or '0'
if not string.match(sequence, '^%d+$') or #sequence > 18 then
  sequence = '9223372036854775807' -- not a sequence: fences every written fill
end
local number = redis.call('INCR', KEYS[1])
local message = ARGV[1] .. number .. '|' .. sequence .. ARGV[2]
if #ARGV <= 4 or redis.call('SCARD', KEYS[5] .. 'jvms') ~= redis.call('ZCARD', KEYS[4]) then
  redis.call('PUBLISH', KEYS[2], message)
  return {number, sequence, redis.call('ZRANGEBYSCORE', KEYS[4], ARGV[3], '+inf')}
end
local holding = {}
local seen = {}
local since = tonumber(ARGV[3])
for i = 5, #ARGV do
  for _, member in ipairs(redis.call('SMEMBERS', KEYS[5] .. ARGV[i])) do
    if not seen[member] then
      seen[member] = true
      local score = redis.call('ZSCORE', KEYS[4], member)
      if score and tonumber(score) >= since then
        holding[#holding + 1] = member
        local jvm = string.match(member, '^(.*)/') or member
        if jvm ~= ARGV[4] then
          redis.call('PUBLISH', KEYS[2] .. ':' .. jvm, message)
        end
      end
    end
  end
end
return {number, sequence, holding}
