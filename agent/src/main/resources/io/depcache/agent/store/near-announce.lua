-- Publishes an invalidation with the next message number, in one step: every subscription
-- delivers the messages in the order of their numbers.
-- KEYS: message counter, the broadcast channel
-- ARGV: the message before its number, the message after it
local number = redis.call('INCR', KEYS[1])
redis.call('PUBLISH', KEYS[2], ARGV[1] .. number .. ARGV[2])
return number
