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
  void kryoIsKryoBehindTheAllowList() {
    Serializer kryo = Serializers.named("kryo", new AllowList());

    assertThat(kryo).isInstanceOf(KryoSerializer.class);
    assertThat(kryo.name()).isEqualTo("kryo");
    assertThat(kryo.code()).isEqualTo(1);
  }

  @Test
  void anUnknownNameIsRefusedWithTheNamesThereAre() {
    assertThatThrownBy(() -> Serializers.named("json", new AllowList()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("serializer 'json' is not one this version has (it has: java, kryo)");
  }
}
