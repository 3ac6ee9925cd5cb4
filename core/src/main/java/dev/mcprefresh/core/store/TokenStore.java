package dev.mcprefresh.core.store;

import java.util.function.Function;

/**
 * Where entries live: the user's file ({@link FileTokenStore}) or a database a fleet shares. Callers never know which:
 * both read whole, change under a lock that spans processes (and hosts), and never leave an entry half-written.
 */
public interface TokenStore {
    /** Where it is, for messages: a path, or a database URL without credentials. */
    String location();

    /** "file" or "postgresql", for status. */
    String kind();

    /** How secrets are protected at rest, for status ("encrypted with key …", "file mode 0600 …"). */
    String protection();

    /** Whether a read goes over the network (a database): then never on an app's request thread. */
    default boolean remote() {
        return false;
    }

    /** The current contents; an empty store when there is none yet, an unreadable or corrupt one a StoreException. */
    StoreContents read();

    /**
     * What identifies the current contents: any write changes it. Cheap and never on a network on the caller's
     * thread (a store that must ask a server answers from what it last learned). Null when unknown.
     */
    Object version();

    /**
     * Runs {@code action} on contents read after taking the store's lock, and writes back what it changed before the
     * lock is released.
     */
    <T> T update(Function<StoreContents, T> action);

    /**
     * As {@link #update}, for an action that reads and writes only the entry {@code id}: a store of rows locks that
     * row alone, so refreshes of different entries do not wait for each other.
     */
    default <T> T updateEntry(String id, Function<StoreContents, T> action) {
        return update(action);
    }

    /**
     * Checks, before a token request, that the answer can be written (so no rotation is spent on a store that can
     * never hold it) and loads the writer's classes. Called inside {@link #update}.
     */
    void warmUpWriter();

    /**
     * Writes every entry again under the current encryption key, entries written in clear before a key was set
     * included (a key rotation's middle step); returns how many. A store that encrypts nothing refuses.
     */
    default int reseal() {
        throw new StoreException("the " + kind() + " store " + location() + " encrypts nothing with a key: there is"
                + " nothing to rewrite");
    }

    /**
     * Moves an unreadable store aside so a new one can be started, keeping what was there; returns where it went, or
     * null when nothing was moved (the store reads fine, is absent, or is not the kind that can be moved aside).
     */
    default String setAsideIfCorrupt() {
        return null;
    }
}
