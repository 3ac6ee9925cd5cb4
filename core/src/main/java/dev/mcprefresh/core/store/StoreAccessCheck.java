package dev.mcprefresh.core.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Who besides the user can read or replace the store. Each finding is a warning with its fix: the store still works
 * (refusing would break the app), but the user learns that their tokens are exposed.
 */
final class StoreAccessCheck {
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private StoreAccessCheck() {
    }

    /** Problems with {@code store} and its directory for a process running as {@code user}; empty when none. */
    static List<String> problems(Path store, UserPrincipal user) {
        List<String> out = new ArrayList<>();
        try {
            if (Files.isSymbolicLink(store)) {
                out.add("token store " + store + " is a symbolic link; it is read, but secrets are never written"
                        + " through it (replace it with a regular file)");
            }
            PosixFileAttributes file = Files.readAttributes(store, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            // copyOf refuses an empty collection, which a mode of 000 gives.
            Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
            open.addAll(file.permissions());
            open.retainAll(OTHERS);
            if (!open.isEmpty()) {
                out.add("token store " + store + " can be accessed by other users (mode "
                        + PosixFilePermissions.toString(file.permissions()) + "); fix it with: chmod 600 " + store);
            }
            if (user != null && !file.owner().equals(user)) {
                out.add("token store " + store + " belongs to " + file.owner().getName() + ", not to "
                        + user.getName() + " who runs this process: that user can change the tokens sent from here;"
                        + " use a store of your own (" + "mcp.refresh.store" + ")");
            }
            Path dir = store.getParent();
            if (dir != null) {
                Set<PosixFilePermission> d = Files.readAttributes(dir, PosixFileAttributes.class).permissions();
                if (d.contains(PosixFilePermission.GROUP_WRITE) || d.contains(PosixFilePermission.OTHERS_WRITE)) {
                    out.add("the token store's directory " + dir + " is writable by other users (mode "
                            + PosixFilePermissions.toString(d) + "), who could replace the store; fix it with: chmod 700 "
                            + dir);
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            // Missing file or no POSIX attributes (Windows): nothing to say.
        }
        return out;
    }

    /** The user this process runs as, or null when the platform cannot say. */
    static UserPrincipal processUser(Path anyPath) {
        try {
            return anyPath.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(System.getProperty("user.name"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
