package io.depcache.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadPoolExecutor;
import net.bytebuddy.agent.ByteBuddyAgent;
import org.junit.jupiter.api.Test;

/** What the executors' rewriting does when the JVM refuses it: nothing, and the agent goes on. */
class PropagationTest {
  @Test
  void aRetransformationThatFailsLeavesNoTransformerBehind() {
    assertThat(ThreadPoolExecutor.class).isNotNull(); // loaded, so it is retransformed
    Instrumentation real = ByteBuddyAgent.install();
    List<ClassFileTransformer> registered = new ArrayList<>();
    Instrumentation refusing =
        (Instrumentation)
            Proxy.newProxyInstance(
                PropagationTest.class.getClassLoader(),
                new Class<?>[] {Instrumentation.class},
                (proxy, method, args) -> {
                  switch (method.getName()) {
                    case "addTransformer":
                      registered.add((ClassFileTransformer) args[0]);
                      return null;
                    case "removeTransformer":
                      return registered.remove(args[0]);
                    case "retransformClasses":
                      throw new UnmodifiableClassException("refused by the test");
                    case "redefineModule":
                      return null;
                    default:
                      try {
                        return method.invoke(real, args);
                      } catch (InvocationTargetException e) {
                        throw e.getCause();
                      }
                  }
                });

    assertThat(Propagation.install(refusing)).isNull();
    assertThat(registered).as("transformers left registered").isEmpty();
  }
}
