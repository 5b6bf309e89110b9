package io.depcache.agent.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SerializersTest {
  @Test
  void javaIsTheJdksSerializationBehindTheAllowList() {
    assertThat(Serializers.named("java", new AllowList())).isInstanceOf(JavaSerializer.class);
  }

  @Test
  void anUnknownNameIsRefusedWithTheNamesThereAre() {
    assertThatThrownBy(() -> Serializers.named("kryo", new AllowList()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("serializer 'kryo' is not one this version has (it has: java)");
  }
}
