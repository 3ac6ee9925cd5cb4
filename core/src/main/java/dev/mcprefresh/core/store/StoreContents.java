package dev.mcprefresh.core.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one read of the store holds: its entries by id (several identities may share a server URL), plus top-level
 * fields kept for the next write.
 */
public final class StoreContents {
    private final Map<String, TokenRecord> records;
    private final Map<String, Object> otherTopLevel;
    private final boolean olderFormat;
    private boolean changed;

    StoreContents(Map<String, TokenRecord> records, Map<String, Object> otherTopLevel, boolean olderFormat) {
        this.records = records;
        this.otherTopLevel = otherTopLevel;
        this.olderFormat = olderFormat;
    }

    static StoreContents empty() {
        return new StoreContents(new LinkedHashMap<>(), new LinkedHashMap<>(), false);
    }

    /** The entry with this id, or null. */
    public TokenRecord get(String id) {
        return records.get(id);
    }

    public Collection<TokenRecord> records() {
        return Collections.unmodifiableCollection(records.values());
    }

    /** Every identity stored for exactly this server URL, in store order. */
    public List<TokenRecord> forServer(String serverUrl) {
        List<TokenRecord> found = new ArrayList<>();
        for (TokenRecord r : records.values()) {
            if (r.serverUrl().equals(serverUrl)) {
                found.add(r);
            }
        }
        return found;
    }

    /** The entry of this server URL when exactly one identity is stored for it; null when none or several. */
    public TokenRecord soleEntry(String serverUrl) {
        List<TokenRecord> found = forServer(serverUrl);
        return found.size() == 1 ? found.get(0) : null;
    }

    /** The entry of this server URL that belongs to {@code identity}'s user, or null. */
    public TokenRecord find(String serverUrl, Identity identity) {
        for (TokenRecord r : records.values()) {
            if (r.serverUrl().equals(serverUrl) && r.identity().sameUser(identity)) {
                return r;
            }
        }
        return null;
    }

    /** Adds the entry, or replaces the one with the same id. */
    public void put(TokenRecord record) {
        records.put(record.id(), record);
        changed = true;
    }

    public boolean remove(String id) {
        boolean removed = records.remove(id) != null;
        changed |= removed;
        return removed;
    }

    boolean changed() {
        return changed;
    }

    /** Read from a format 1 file: the next write migrates it. */
    public boolean olderFormat() {
        return olderFormat;
    }

    Map<String, Object> otherTopLevel() {
        return otherTopLevel;
    }

    Map<String, TokenRecord> recordMap() {
        return records;
    }
}
