package io.depcache.agent.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ValueLimitTest {
  /** A value that would serialize to a gigabyte, counting how much of it was written. */
  static final class Huge implements Serializable {
    private static final long serialVersionUID = 1L;
    static final AtomicInteger CHUNKS = new AtomicInteger();

    private void writeObject(ObjectOutputStream out) throws IOException {
      byte[] chunk = new byte[1024];
      for (int i = 0; i < 1024 * 1024; i++) {
        CHUNKS.incrementAndGet();
        out.write(chunk);
      }
    }
  }

  @Test
  void serializationStopsAtTheLimitInsteadOfBufferingTheWholeValue() {
    JavaSerializer serializer = new JavaSerializer(new AllowList());
    Huge.CHUNKS.set(0);

    assertThatThrownBy(() -> serializer.serialize(new Huge(), 1024 * 1024))
        .isInstanceOf(ValueTooLargeException.class)
        .hasMessageContaining("takes more than 1048576 bytes (depcache.max-entry-bytes)");
    assertThat(Huge.CHUNKS.get()).as("chunks of 1 KB written before it stopped").isLessThan(1100);
  }

  @Test
  void anEntryOverTheLimitIsRefusedWhenWrittenAndWhenRead() {
    JavaSerializer serializer = new JavaSerializer(new AllowList());
    StoredEntry entry = new StoredEntry(StoredEntry.Kind.VALUE, "x".repeat(5000), null, null, null);

    assertThatThrownBy(() -> EntryCodec.encode(entry, serializer, 4096))
        .isInstanceOf(ValueTooLargeException.class);
    byte[] bytes = EntryCodec.encode(entry, serializer, 8192);
    assertThat(EntryCodec.decode(bytes, serializer, null, 8192)).isEqualTo(entry);
    assertThatThrownBy(() -> EntryCodec.decode(bytes, serializer, null, 4096))
        .isInstanceOf(CorruptEntryException.class)
        .hasMessageContaining("depcache.max-entry-bytes");
  }
}
