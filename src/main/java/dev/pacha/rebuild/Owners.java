package dev.pacha.rebuild;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

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
