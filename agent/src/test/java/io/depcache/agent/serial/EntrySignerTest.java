package io.depcache.agent.serial;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.depcache.agent.serial.StoredEntry.Kind;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class EntrySignerTest {
  private static final byte[] KEY = "k".repeat(32).getBytes(UTF_8);
  private static final byte[] OTHER_KEY = "o".repeat(32).getBytes(UTF_8);
  private static final String STORE_KEY = "depcache:default:e:item(1)";

  private final JavaSerializer serializer = new JavaSerializer(new AllowList());

  private byte[] encoded() {
    return EntryCodec.encode(
        new StoredEntry(Kind.VALUE, List.of("a", "b"), null, null, EntryDependencies.NONE),
        serializer);
  }

  @Test
  void aSummarySaysWhetherAnEntryIsSignedAndReadsTheEntryInside() {
    byte[] entry = encoded();
    byte[] sealed = EntrySigner.of(KEY, null).seal(STORE_KEY, entry);

    EntrySummary plain = EntrySummary.of(entry);
    EntrySummary signed = EntrySummary.of(sealed);

    assertThat(plain.signed()).isFalse();
    assertThat(signed.signed()).isTrue();
    assertThat(signed.valueClass()).isEqualTo(plain.valueClass()).startsWith("java.util.");
    assertThat(signed.bytes()).isEqualTo(sealed.length);
  }

  @Test
  void aSealedEntryOpensToTheSameBytes() {
    EntrySigner signer = EntrySigner.of(KEY, null);
    byte[] entry = encoded();

    byte[] sealed = signer.seal(STORE_KEY, entry);

    assertThat(sealed).hasSize(entry.length + EntrySigner.HEADER);
    assertThat(sealed[0]).isEqualTo(EntrySigner.MAGIC);
    assertThat(signer.open(STORE_KEY, sealed)).isEqualTo(entry);
  }

  @Test
  void everyChangedByteIsRefused() {
    EntrySigner signer = EntrySigner.of(KEY, null);
    byte[] sealed = signer.seal(STORE_KEY, encoded());

    for (int i = 0; i < sealed.length; i++) {
      byte[] tampered = sealed.clone();
      tampered[i] ^= 0x01;
      int at = i;
      assertThatThrownBy(() -> signer.open(STORE_KEY, tampered))
          .as("byte %d changed", at)
          .isInstanceOf(CorruptEntryException.class);
    }
    assertThatThrownBy(() -> signer.open(STORE_KEY, Arrays.copyOf(sealed, sealed.length - 1)))
        .isInstanceOf(CorruptEntryException.class);
  }

  @Test
  void anEntrySignedWithAnotherKeyIsRefused() {
    byte[] sealed = EntrySigner.of(OTHER_KEY, null).seal(STORE_KEY, encoded());

    assertThatThrownBy(() -> EntrySigner.of(KEY, null).open(STORE_KEY, sealed))
        .isInstanceOf(CorruptEntryException.class)
        .hasMessageContaining("signature does not match");
  }

  @Test
  void aSignedEntryCopiedUnderAnotherKeyIsRefused() {
    EntrySigner signer = EntrySigner.of(KEY, null);
    byte[] sealed = signer.seal(STORE_KEY, encoded());

    assertThatThrownBy(() -> signer.open("depcache:default:e:item(2)", sealed))
        .isInstanceOf(CorruptEntryException.class);
  }

  @Test
  void thePreviousKeyStillReadsAndTheNewOneWrites() {
    byte[] entry = encoded();
    byte[] oldEntry = EntrySigner.of(OTHER_KEY, null).seal(STORE_KEY, entry);
    EntrySigner rotated = EntrySigner.of(KEY, OTHER_KEY);

    assertThat(rotated.open(STORE_KEY, oldEntry)).isEqualTo(entry);
    byte[] newEntry = rotated.seal(STORE_KEY, entry);
    assertThat(EntrySigner.of(KEY, null).open(STORE_KEY, newEntry)).isEqualTo(entry);
    // once the previous key is dropped, what it signed is refused
    assertThatThrownBy(() -> EntrySigner.of(KEY, null).open(STORE_KEY, oldEntry))
        .isInstanceOf(CorruptEntryException.class);
  }

  @Test
  void anUnsignedEntryIsRefusedWithASigningKeyAndReadWithout() {
    byte[] entry = encoded();

    assertThatThrownBy(() -> EntrySigner.of(KEY, null).open(STORE_KEY, entry))
        .isInstanceOf(CorruptEntryException.class)
        .hasMessageContaining("not signed");
    assertThat(EntrySigner.NONE.open(STORE_KEY, entry)).isSameAs(entry);
    assertThat(EntrySigner.NONE.seal(STORE_KEY, entry)).isSameAs(entry);
  }

  @Test
  void aSignedEntryIsCorruptToAManagerWithoutAKey() {
    byte[] sealed = EntrySigner.of(KEY, null).seal(STORE_KEY, encoded());

    assertThatThrownBy(
            () ->
                EntryCodec.decode(
                    EntrySigner.NONE.open(STORE_KEY, sealed),
                    serializer,
                    getClass().getClassLoader()))
        .isInstanceOf(CorruptEntryException.class);
  }

  @Test
  void theSignatureIsCheckedBeforeTheSerializerSeesAByte() {
    int[] reads = {0};
    Serializer counting =
        new Serializer() {
          @Override
          public String name() {
            return serializer.name();
          }

          @Override
          public int code() {
            return serializer.code();
          }

          @Override
          public byte[] serialize(Object value) {
            return serializer.serialize(value);
          }

          @Override
          public Object deserialize(byte[] bytes, ClassLoader loader) {
            reads[0]++;
            return serializer.deserialize(bytes, loader);
          }

          @Override
          public Object deserialize(byte[] bytes, int offset, int length, ClassLoader loader) {
            reads[0]++;
            return serializer.deserialize(bytes, offset, length, loader);
          }
        };
    EntrySigner signer = EntrySigner.of(KEY, null);
    byte[] sealed = signer.seal(STORE_KEY, encoded());
    sealed[sealed.length - 1] ^= 0x01; // the value's last byte

    assertThatThrownBy(
            () ->
                EntryCodec.decode(
                    signer.open(STORE_KEY, sealed), counting, getClass().getClassLoader()))
        .isInstanceOf(CorruptEntryException.class);
    assertThat(reads[0]).isZero();
  }
}
