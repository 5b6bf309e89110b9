-- Publishes an invalidation in one step with what its invalidator needs: the store's sequence now
-- (the message's fence), the next message number (every subscription delivers the messages in the
-- order of their numbers), and the registry as it is at the publication.
--
-- Given bits (an invalidation of dependencies), only the registrations whose hold filter has one of
-- them set are returned, and the message goes to their own channels only (but the invalidator's):
-- the others hold no near entry of those dependencies. Should a registration have no filter (lost,
-- or a JVM whose agent keeps none), the message goes to every JVM, on the broadcast channel, and
-- that registration is returned too.
-- KEYS: message counter, the broadcast channel, the store's sequence, registry, the filters' prefix
-- ARGV: the message before its number, the message after its sequence, registrations since, the
--       invalidator's id, then the bits
local sequence = redis.call('GET', KEYS[3]) or '0'
if not string.match(sequence, '^%d+$') or #sequence > 18 then
  sequence = '9223372036854775807' -- not a sequence: fences every written fill
end
local number = redis.call('INCR', KEYS[1])
local message = ARGV[1] .. number .. '|' .. sequence .. ARGV[2]
local members = redis.call('ZRANGEBYSCORE', KEYS[4], ARGV[3], '+inf')
if #ARGV <= 4 then
  redis.call('PUBLISH', KEYS[2], message)
  return {number, sequence, members}
end
local holding = {}
local unfiltered = false
for _, member in ipairs(members) do
  local filter = KEYS[5] .. member
  local holds = redis.call('EXISTS', filter) == 0
  unfiltered = unfiltered or holds
  local i = 5
  while not holds and i <= #ARGV do
    holds = redis.call('GETBIT', filter, ARGV[i]) == 1
    i = i + 1
  end
  if holds then
    holding[#holding + 1] = member
  end
end
if unfiltered then
  redis.call('PUBLISH', KEYS[2], message)
else
  for _, member in ipairs(holding) do
    local jvm = string.match(member, '^(.*)/') or member
    if jvm ~= ARGV[4] then
      redis.call('PUBLISH', KEYS[2] .. ':' .. jvm, message)
    end
  end
end
return {number, sequence, holding}
