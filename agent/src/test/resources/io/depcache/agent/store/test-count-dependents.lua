-- For tests: how many entries the dependency set KEYS[1] still has.
return redis.call('ZCARD', KEYS[1])
