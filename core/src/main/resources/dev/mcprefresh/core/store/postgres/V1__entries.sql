-- mcp-refresh PostgreSQL store, schema version 1: one row per store entry (an MCP server and one identity).
-- "record" is the entry as the file store writes it (JSON), its access token, refresh token and client secret sealed
-- with AES-256-GCM unless the store was configured with mcp.refresh.store.encryption=none.
-- "version" comes from a sequence and changes on every write: the compare-and-set fence of an update, and (with the
-- row count) what tells a host that the store changed.
CREATE SEQUENCE mcp_refresh_entry_version;
CREATE TABLE mcp_refresh_entries (
    id          text        PRIMARY KEY,
    server_url  text        NOT NULL,
    version     bigint      NOT NULL,
    record      text        NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
