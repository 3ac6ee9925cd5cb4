package dev.mcprefresh.core.session;

/** Why a refresh runs; it decides when a token another process stored is good enough to take up instead. */
enum RefreshReason {
    /** A request waits: the token expired, or the server rejected it. */
    NEEDED,
    /** The current token is still valid; this refresh only runs ahead of its expiry. */
    EARLY,
    /** No request at all: the app is idle and the refresh token must be used before its idle lifetime ends. */
    KEEP_ALIVE
}
