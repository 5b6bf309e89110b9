package io.depcache.micrometer;

import io.depcache.DepCache;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MBeanServerDelegate;
import javax.management.MBeanServerNotification;
import javax.management.Notification;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import javax.management.relation.MBeanServerNotificationFilter;

/**
 * Micrometer meters for every depcache manager and cached method of the JVM, present and future.
 *
 * <p>Bind it once: {@code new DepCacheMetrics().bindTo(registry)}; a Spring Boot application with
 * Actuator only declares it as a {@code @Bean}. The meters are named as Micrometer's own cache
 * binders name theirs, so that existing cache dashboards work:
 *
 * <ul>
 *   <li>{@code cache.gets{cache=<manager>,result=hit|miss}}, {@code cache.puts{cache}}, {@code
 *       cache.evictions{cache}} (entries removed by deletes and invalidations);
 *   <li>{@code depcache.invalidations{cache}} (invalidation operations), {@code
 *       depcache.errors{cache}};
 *   <li>{@code depcache.near.hits{cache}}: the hits among {@code cache.gets{result=hit}} that this
 *       JVM's near cache served, and per method {@code depcache.method.near.hits{cache,method}};
 *   <li>per cached method {@code depcache.method.gets{cache,method,result}} and the timer {@code
 *       depcache.method.miss.duration{cache,method}} (the computations of misses);
 *   <li>{@code depcache.agent.active}: 1 while the agent is installed and enabled.
 * </ul>
 *
 * <p>The agent registers an MBean per manager and per cached method when each is first used (see
 * the README, "Operating"); this binder reads them through the platform MBean server and binds the
 * meters of each MBean as it appears. It needs no other part of depcache than the API, whatever
 * class loader the application or the agent runs in. Without the agent it binds only {@code
 * depcache.agent.active}, at 0.
 */
public final class DepCacheMetrics implements MeterBinder, AutoCloseable {
  private static final String MANAGERS = "io.depcache:type=CacheManager,*";
  private static final String METHODS = "io.depcache:type=CachedMethod,*";

  private final MBeanServer server;
  private final List<Binding> bindings = new CopyOnWriteArrayList<>();

  /** Reads the MBeans of the platform MBean server, where the agent registers them. */
  public DepCacheMetrics() {
    this(ManagementFactory.getPlatformMBeanServer());
  }

  DepCacheMetrics(MBeanServer server) {
    this.server = server;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("depcache.agent.active", () -> DepCache.isAgentActive() ? 1 : 0)
        .description("1 while the depcache agent is installed and enabled")
        .strongReference(true)
        .register(registry);
    Binding binding = new Binding(registry);
    bindings.add(binding);
    try {
      // Listen first, then list: an MBean registered in between is bound twice, which Micrometer
      // takes as one meter; none is missed.
      MBeanServerNotificationFilter filter = new MBeanServerNotificationFilter();
      filter.enableAllObjectNames();
      server.addNotificationListener(MBeanServerDelegate.DELEGATE_NAME, binding, filter, null);
      binding.listening = true;
      for (String pattern : new String[] {MANAGERS, METHODS}) {
        for (ObjectName name : server.queryNames(new ObjectName(pattern), null)) {
          binding.bind(name);
        }
      }
    } catch (JMException e) {
      throw new IllegalStateException("cannot read depcache's MBeans: " + e, e);
    }
  }

  /** Stops binding the MBeans that appear from now on; meters already bound stay. */
  @Override
  public void close() {
    for (Binding binding : bindings) {
      if (binding.listening) {
        try {
          server.removeNotificationListener(MBeanServerDelegate.DELEGATE_NAME, binding);
        } catch (JMException e) {
          // already gone
        }
      }
    }
    bindings.clear();
  }

  /** The meters of one registry, bound as MBeans appear. */
  private final class Binding implements NotificationListener {
    private final MeterRegistry registry;

    /** What the meters read: held here, since Micrometer holds function meters' objects weakly. */
    private final List<Attribute> attributes = new CopyOnWriteArrayList<>();

    volatile boolean listening;

    Binding(MeterRegistry registry) {
      this.registry = registry;
    }

    @Override
    public void handleNotification(Notification notification, Object handback) {
      if (notification instanceof MBeanServerNotification registered
          && MBeanServerNotification.REGISTRATION_NOTIFICATION.equals(registered.getType())) {
        bind(registered.getMBeanName());
      }
    }

    void bind(ObjectName name) {
      if (!"io.depcache".equals(name.getDomain())) {
        return;
      }
      String type = name.getKeyProperty("type");
      if ("CacheManager".equals(type)) {
        bindManager(name);
      } else if ("CachedMethod".equals(type)) {
        bindMethod(name);
      }
    }

    private void bindManager(ObjectName name) {
      Tags tags = Tags.of("cache", unquote(name.getKeyProperty("name")));
      counter("cache.gets", "Lookups that hit", name, "Hits", tags.and("result", "hit"));
      counter("cache.gets", "Lookups that missed", name, "Misses", tags.and("result", "miss"));
      counter(
          "depcache.near.hits",
          "Hits that this JVM's near cache served (counted in cache.gets too)",
          name,
          "NearHits",
          tags);
      counter("cache.puts", "Entries written", name, "Sets", tags);
      counter(
          "cache.evictions",
          "Entries removed by deletes and invalidations",
          name,
          "EntriesRemoved",
          tags);
      counter("depcache.invalidations", "Invalidation operations", name, "Invalidations", tags);
      counter(
          "depcache.errors",
          "Store failures and entries that could not be read",
          name,
          "Errors",
          tags);
    }

    private void bindMethod(ObjectName name) {
      Tags tags =
          Tags.of(
              "cache",
              unquote(name.getKeyProperty("manager")),
              "method",
              unquote(name.getKeyProperty("method")));
      counter("depcache.method.gets", "Lookups that hit", name, "Hits", tags.and("result", "hit"));
      counter(
          "depcache.method.gets",
          "Lookups that missed",
          name,
          "Misses",
          tags.and("result", "miss"));
      counter(
          "depcache.method.near.hits",
          "Hits that this JVM's near cache served (counted in depcache.method.gets too)",
          name,
          "NearHits",
          tags);
      Attribute count = attribute(name, "ComputedMisses");
      Attribute total = attribute(name, "TotalMissMillis");
      FunctionTimer.builder(
              "depcache.method.miss.duration",
              count,
              c -> (long) c.read(),
              c -> total.read(),
              TimeUnit.MILLISECONDS)
          .description("The computations of misses: the body, from the lookup to its result")
          .tags(tags)
          .register(registry);
    }

    private void counter(
        String meter, String description, ObjectName name, String attribute, Tags tags) {
      FunctionCounter.builder(meter, attribute(name, attribute), Attribute::read)
          .description(description)
          .tags(tags)
          .register(registry);
    }

    private Attribute attribute(ObjectName name, String attribute) {
      Attribute read = new Attribute(server, name, attribute);
      attributes.add(read);
      return read;
    }
  }

  /** One attribute of one MBean, read when a meter is read; NaN while the MBean is gone. */
  private record Attribute(MBeanServer server, ObjectName name, String attribute) {
    double read() {
      try {
        return ((Number) server.getAttribute(name, attribute)).doubleValue();
      } catch (InstanceNotFoundException e) {
        return Double.NaN;
      } catch (JMException | RuntimeException e) {
        return Double.NaN;
      }
    }
  }

  private static String unquote(String value) {
    if (value != null && value.startsWith("\"")) {
      try {
        return ObjectName.unquote(value);
      } catch (IllegalArgumentException e) {
        return value;
      }
    }
    return value;
  }
}
