package io.depcache.agent.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.management.BadAttributeValueExpException;
import org.junit.jupiter.api.Test;

/**
 * What is particular to JDK serialization behind the allowlist: {@code readObject}, classes that
 * are not {@code Serializable}, proxies in the stream. {@link SerializerPromiseTest} has what every
 * serializer promises.
 */
class JavaSerializerTest {
  private static final ClassLoader LOADER = JavaSerializerTest.class.getClassLoader();

  private final AllowList allowList = new AllowList();
  private final JavaSerializer serializer = new JavaSerializer(allowList);

  /** Not serializable: any value holding one cannot be cached. */
  static final class Plain {}

  /** Records whether its readObject ever ran, as a gadget's would. */
  static final class Gadget implements Serializable {
    private static final long serialVersionUID = 1L;
    static volatile boolean readObjectRan;

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      readObjectRan = true;
      in.defaultReadObject();
    }
  }

  @Test
  void valueThatIsNotSerializableNamesTheOffendingClass() {
    List<Object> value = new ArrayList<>(List.of("fine", new Plain()));

    assertThatThrownBy(() -> serializer.serialize(value))
        .isInstanceOf(NotSerializableValueException.class)
        .hasMessageContaining("java.util.ArrayList")
        .hasMessageContaining("io.depcache.agent.serial.JavaSerializerTest$Plain")
        .hasCauseInstanceOf(NotSerializableException.class);
  }

  @Test
  void gadgetIsRejectedBeforeItsReadObjectRuns() throws IOException {
    Gadget.readObjectRan = false;
    byte[] alone = javaSerialize(new Gadget());
    byte[] nested = javaSerialize(new ArrayList<>(List.of("x", Map.of("k", new Gadget()))));

    assertThatThrownBy(() -> serializer.deserialize(alone, LOADER))
        .isInstanceOf(CorruptEntryException.class)
        .hasMessageContaining("JavaSerializerTest$Gadget is not allowed");
    assertThatThrownBy(() -> serializer.deserialize(nested, LOADER))
        .isInstanceOf(CorruptEntryException.class)
        .hasMessageContaining("JavaSerializerTest$Gadget is not allowed");
    assertThat(Gadget.readObjectRan).isFalse();

    // the control: the same bytes do run readObject where nothing guards them
    try (ObjectInputStream in = new ObjectInputStream(new java.io.ByteArrayInputStream(alone))) {
      in.readObject();
    } catch (ClassNotFoundException e) {
      throw new AssertionError(e);
    }
    assertThat(Gadget.readObjectRan).isTrue();
  }

  @Test
  void jdkGadgetClassIsRejected() throws IOException {
    byte[] bytes = javaSerialize(new BadAttributeValueExpException("x"));

    assertThatThrownBy(() -> serializer.deserialize(bytes, LOADER))
        .isInstanceOf(CorruptEntryException.class)
        .hasMessageContaining(
            "class javax.management.BadAttributeValueExpException is not allowed");
  }

  @Test
  void dynamicProxyIsRejected() throws IOException {
    Object proxy =
        java.lang.reflect.Proxy.newProxyInstance(
            LOADER, new Class<?>[] {Comparable.class}, new SerializableHandler());

    assertThatThrownBy(() -> serializer.deserialize(javaSerialize(proxy), LOADER))
        .isInstanceOf(CorruptEntryException.class)
        .hasMessageContaining("dynamic proxy");
  }

  static final class SerializableHandler
      implements java.lang.reflect.InvocationHandler, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Object invoke(Object proxy, java.lang.reflect.Method method, Object[] args) {
      return 0;
    }
  }

  static byte[] javaSerialize(Object value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    return bytes.toByteArray();
  }
}
