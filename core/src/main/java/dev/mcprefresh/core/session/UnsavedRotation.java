package dev.mcprefresh.core.session;

import dev.mcprefresh.core.store.StoreContents;
import dev.mcprefresh.core.store.TokenRecord;
import java.util.Objects;

/**
 * A refreshed record the store could not save, and the refresh token it was rotated from. With refresh-token rotation
 * and reuse detection, presenting the superseded token again would end the grant, so until the record is written
 * back, memory holds the only live refresh token and the next refresh must present it.
 */
final class UnsavedRotation {
    private volatile TokenRecord unsaved;
    private volatile String rotatedFrom;

    /** The record waiting to be written back, or null. */
    TokenRecord pending() {
        return unsaved;
    }

    /** The server answered with {@code answer} for {@code replaced}, and the store could not be written. */
    void keep(TokenRecord answer, TokenRecord replaced) {
        if (unsaved == null) {
            rotatedFrom = replaced.refreshToken(); // the oldest still on disk, across repeated failures
        }
        unsaved = answer;
    }

    /**
     * The entry as the refresh should see it, under the store lock. While the store still holds the refresh token
     * {@code pending} was rotated from, the store is stale: {@code pending} is written back and used. If the store
     * holds anything else, someone wrote since (a new login), and the store wins.
     */
    TokenRecord reconcile(StoreContents contents, String entryId, TokenRecord pending) {
        TokenRecord onDisk = contents.get(entryId);
        if (pending != null && onDisk != null && Objects.equals(onDisk.refreshToken(), rotatedFrom)) {
            contents.put(pending);
            return pending;
        }
        return onDisk;
    }

    /** The store was written after {@link #reconcile} saw {@code pending}: it is no longer waiting. */
    void settled(TokenRecord pending) {
        if (pending != null && unsaved == pending) {
            unsaved = null;
            rotatedFrom = null;
        }
    }
}
