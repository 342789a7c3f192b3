package dev.pacha.track;

import java.util.List;

/**
 * What a snapshot holds as far as this host's own state goes: its id and the host, roots and
 * entries its fingerprint is made of. The store's manifest is one; the state dir records it as the
 * last push ({@link StateDir#record}) without knowing the store.
 */
public interface Snapshot {
  String id();

  String host();

  List<String> roots();

  List<Entry> entries();
}
