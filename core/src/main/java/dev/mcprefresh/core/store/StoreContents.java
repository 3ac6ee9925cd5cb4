package dev.mcprefresh.core.store;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** What one read of the store holds: the records by server URL, plus top-level fields kept for the next write. */
public final class StoreContents {
    private final Map<String, TokenRecord> records;
    private final Map<String, Object> otherTopLevel;
    private boolean changed;

    StoreContents(Map<String, TokenRecord> records, Map<String, Object> otherTopLevel) {
        this.records = records;
        this.otherTopLevel = otherTopLevel;
    }

    static StoreContents empty() {
        return new StoreContents(new LinkedHashMap<>(), new LinkedHashMap<>());
    }

    public TokenRecord get(String serverUrl) {
        return records.get(serverUrl);
    }

    public Collection<TokenRecord> records() {
        return Collections.unmodifiableCollection(records.values());
    }

    public void put(TokenRecord record) {
        records.put(record.serverUrl(), record);
        changed = true;
    }

    public boolean remove(String serverUrl) {
        boolean removed = records.remove(serverUrl) != null;
        changed |= removed;
        return removed;
    }

    boolean changed() {
        return changed;
    }

    Map<String, Object> otherTopLevel() {
        return otherTopLevel;
    }

    Map<String, TokenRecord> recordMap() {
        return records;
    }
}
