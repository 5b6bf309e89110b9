/**
 * Monitoring: event dispatch to listeners, the counters of each manager ({@link
 * io.depcache.agent.monitor.ManagerStats}, counted from the events) and of each cached method
 * ({@link io.depcache.agent.monitor.MethodStats}), and their MBeans on the platform MBean server
 * ({@link io.depcache.agent.monitor.Jmx}). Owns listener registration, the rule that a listener's
 * failure never reaches a cached call, and the names and descriptions of the MBeans. What an MBean
 * does to a manager it asks the runtime through {@link io.depcache.agent.monitor.ManagerControl}.
 * May call: the API, the JDK (JMX) and the agent's logging.
 */
package io.depcache.agent.monitor;
