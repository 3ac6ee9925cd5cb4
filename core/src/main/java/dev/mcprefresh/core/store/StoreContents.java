package dev.mcprefresh.core.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one read of the store holds: its entries by id (several identities may share a server URL), plus top-level
 * fields kept for the next write.
 */
public final class StoreContents {
    private final Map<String, TokenRecord> records;
    private final Map<String, Object> otherTopLevel;
    private final boolean olderFormat;
    /** Ids put or removed since the read, in the order they were first touched: a store of rows writes only these. */
    private final Set<String> changedIds = new LinkedHashSet<>();

    StoreContents(Map<String, TokenRecord> records, Map<String, Object> otherTopLevel, boolean olderFormat) {
        this.records = records;
        this.otherTopLevel = otherTopLevel;
        this.olderFormat = olderFormat;
    }

    static StoreContents empty() {
        return new StoreContents(new LinkedHashMap<>(), new LinkedHashMap<>(), false);
    }

    /** Contents read from a store of rows, keyed by id (a copy is kept). */
    public static StoreContents of(Collection<TokenRecord> records) {
        Map<String, TokenRecord> byId = new LinkedHashMap<>();
        for (TokenRecord r : records) {
            byId.put(r.id(), r);
        }
        return new StoreContents(byId, new LinkedHashMap<>(), false);
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
        changedIds.add(record.id());
    }

    public boolean remove(String id) {
        boolean removed = records.remove(id) != null;
        if (removed) {
            changedIds.add(id);
        }
        return removed;
    }

    boolean changed() {
        return !changedIds.isEmpty();
    }

    /** The ids put or removed since the read (an id whose entry is now absent was removed). */
    public Set<String> changedIds() {
        return Collections.unmodifiableSet(changedIds);
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
