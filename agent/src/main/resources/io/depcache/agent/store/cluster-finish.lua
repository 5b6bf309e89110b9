-- Ends the drain of a detached dependency set (RedisClusterStore), once every member was fenced
-- and unlinked: the set goes, and off its dependency's sets being drained, in one step. A set
-- still listed there may have visible entries; one that is gone has none.
-- KEYS[1]: the detached set; KEYS[2]: its dependency's set of sets being drained.
redis.call('UNLINK', KEYS[1])
return redis.call('SREM', KEYS[2], KEYS[1])
