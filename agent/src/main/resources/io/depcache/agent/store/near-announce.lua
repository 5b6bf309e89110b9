-- Publishes an invalidation in one step with what its invalidator needs: the store's sequence now
-- (the message's fence), the next message number (every subscription delivers the messages in the
-- order of their numbers), and the registry as it is right after the publication.
-- KEYS: message counter, the broadcast channel, the store's sequence, registry
-- ARGV: the message before its number, the message after its sequence, registrations since
local sequence = redis.call('GET', KEYS[3]) or '0'
if not string.match(sequence, '^%d+$') or #sequence > 18 then
  sequence = '9223372036854775807' -- not a sequence: fences every written fill
end
local number = redis.call('INCR', KEYS[1])
redis.call('PUBLISH', KEYS[2], ARGV[1] .. number .. '|' .. sequence .. ARGV[2])
return {number, sequence, redis.call('ZRANGEBYSCORE', KEYS[4], ARGV[3], '+inf')}
