package io.depcache.agent.near;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A store key in two parts is the whole key: equal, and hashing as the whole string does. */
class NearKeyTest {
  @Test
  void aProbeInTwoPartsEqualsTheWholeKeyAndHashesAsItsString() {
    String whole = "depcache:default:e:com.example.UserService#user(12)";
    NearKey stored = NearKey.of(whole);
    for (int split = 0; split <= whole.length(); split++) {
      NearKey probe = NearKey.probe(whole.substring(0, split), whole.substring(split));
      assertThat(probe.hashCode()).as("split at " + split).isEqualTo(whole.hashCode());
      assertThat(probe).as("split at " + split).isEqualTo(stored);
      assertThat(stored).as("split at " + split).isEqualTo(probe);
      probe.release();
    }
    assertThat(stored.hashCode()).isEqualTo(whole.hashCode());
    assertThat(stored.text()).isSameAs(whole);
  }

  @Test
  void keysOfOtherTextAreNotEqualEvenOfTheSameLengthOrHash() {
    NearKey stored = NearKey.of("depcache:default:e:k(1)");
    assertThat(NearKey.probe("depcache:default:e:", "k(2)")).isNotEqualTo(stored);
    assertThat(NearKey.probe("depcache:default:e:", "k(1)x")).isNotEqualTo(stored);
    assertThat(NearKey.probe("depcache:reports:e:", "k(1)")).isNotEqualTo(stored);
    // "Aa" and "BB" hash alike: equality still reads the text
    NearKey aa = NearKey.of("p:Aa");
    NearKey probe = NearKey.probe("p:", "BB");
    assertThat(probe.hashCode()).isEqualTo(aa.hashCode());
    assertThat(probe).isNotEqualTo(aa);
    assertThat(NearKey.probe("p:A", "a")).isEqualTo(NearKey.of("p:Aa"));
  }

  @Test
  void probesOfTwoThreadsSplitDifferentlyCompareByText() throws Exception {
    NearKey[] other = new NearKey[2];
    Thread thread =
        new Thread(
            () -> {
              other[0] = NearKey.probe("abc", "def");
            });
    thread.start();
    thread.join();
    assertThat(NearKey.probe("ab", "cdef")).isEqualTo(other[0]);
    assertThat(NearKey.probe("ab", "cdeg")).isNotEqualTo(other[0]);
  }

  @Test
  void keysSplitAtTheSamePlaceCompareByTheirParts() {
    String head = "depcache:default:e:";
    NearKey stored = NearKey.of(new String(head), "k(1)");
    assertThat(stored.splitAt()).isEqualTo(head.length());
    assertThat(stored.tail()).isEqualTo("k(1)");
    assertThat(NearKey.probe(head, new String("k(1)"))).isEqualTo(stored);
    assertThat(NearKey.probe(head, "k(2)")).isNotEqualTo(stored);
    assertThat(NearKey.probe("depcache:defaulx:e:", "k(1)")).isNotEqualTo(stored);
    // split elsewhere, or whole: compared by text, the same key
    assertThat(NearKey.probe("depcache:", "default:e:k(1)")).isEqualTo(stored);
    assertThat(NearKey.of(head + "k(1)")).isEqualTo(stored).hasSameHashCodeAs(stored);
    assertThat(NearKey.of(head + "k(1)").splitAt()).isZero();
  }
}
