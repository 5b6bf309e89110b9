/**
 * Monitoring: event dispatch to listeners. Owns listener registration and the rule that a
 * listener's failure never reaches a cached call. May call: the API and the agent's logging.
 */
package io.depcache.agent.monitor;
