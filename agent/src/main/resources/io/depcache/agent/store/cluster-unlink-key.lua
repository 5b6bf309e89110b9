-- Unlinks one key (RedisClusterStore's clear): a script, so that many run pipelined to every node.
-- KEYS[1]: the key. Returns 1 when it existed, else 0.
return redis.call('UNLINK', KEYS[1])
