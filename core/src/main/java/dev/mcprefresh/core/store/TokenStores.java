package dev.mcprefresh.core.store;

import dev.mcprefresh.core.config.Settings;
import java.time.Duration;

/** Opens the store a location names. Only a database location loads the database driver's classes. */
public final class TokenStores {
    private TokenStores() {
    }

    public static TokenStore open(StoreLocation location, Settings settings, Duration lockTimeout) {
        if (!location.isDatabase()) {
            return new FileTokenStore(location.file(), lockTimeout);
        }
        return dev.mcprefresh.core.store.postgres.PostgresTokenStore.open(location, settings, lockTimeout);
    }
}
