package dev.pacha.rebuild;

import dev.pacha.track.Entry;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

/**
 * A tracked root being built beside its target, in a hidden directory only its owner can enter,
 * until it is swapped in.
 *
 * @param built where it is built ({@code .NAME.pacha-new-RUN} beside the target)
 * @param createdOwner owner name every new entry in {@code built} gets (a chown to it is skipped)
 * @param firstCreatedParent the first parent directory this run created, or null
 * @param existingAncestor the directory the tree (or its first created parent) was made in
 * @param ancestorMtime that directory's mtime before, put back when the tree is discarded
 */
record BuiltTree(
    String root,
    Path target,
    Path built,
    List<Entry> entries,
    long files,
    long bytes,
    String createdOwner,
    String createdGroup,
    int createdUid,
    int createdGid,
    Path firstCreatedParent,
    Path existingAncestor,
    FileTime ancestorMtime) {}
