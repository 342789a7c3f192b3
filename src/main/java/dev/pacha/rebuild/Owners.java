package dev.pacha.rebuild;

import dev.pacha.track.Entry;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Looks up users and groups by name on this host, once each. */
final class Owners {
  private final UserPrincipalLookupService lookup =
      FileSystems.getDefault().getUserPrincipalLookupService();
  private final Map<String, Optional<UserPrincipal>> users = new HashMap<>();
  private final Map<String, Optional<GroupPrincipal>> groups = new HashMap<>();

  Optional<UserPrincipal> user(String name) {
    return users.computeIfAbsent(
        name,
        n -> {
          try {
            return Optional.of(lookup.lookupPrincipalByName(n));
          } catch (UserPrincipalNotFoundException e) {
            return Optional.empty();
          } catch (IOException e) {
            return Optional.empty();
          }
        });
  }

  /** Users and groups the entries name that do not exist on this host ("user x", "group y"). */
  Set<String> missing(List<Entry> entries) {
    Set<String> missing = new LinkedHashSet<>();
    for (Entry e : entries) {
      if (user(e.owner()).isEmpty()) {
        missing.add("user " + e.owner());
      }
      if (group(e.group()).isEmpty()) {
        missing.add("group " + e.group());
      }
    }
    return missing;
  }

  Optional<GroupPrincipal> group(String name) {
    return groups.computeIfAbsent(
        name,
        n -> {
          try {
            return Optional.of(lookup.lookupPrincipalByGroupName(n));
          } catch (UserPrincipalNotFoundException e) {
            return Optional.empty();
          } catch (IOException e) {
            return Optional.empty();
          }
        });
  }
}
