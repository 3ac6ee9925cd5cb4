package dev.mcprefresh.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

class StoreLocationTest {
    @Test
    void pathsAreFiles() {
        StoreLocation l = StoreLocation.parse("/var/lib/app/tokens.json");
        assertFalse(l.isDatabase());
        assertEquals(Paths.get("/var/lib/app/tokens.json"), l.file());
        assertEquals(Paths.get(System.getProperty("user.home"), ".mcp-refresh/tokens.json"),
                StoreLocation.parse("~/.mcp-refresh/tokens.json").file());
        assertEquals(Paths.get("a:b/tokens.json"), StoreLocation.parse("a:b/tokens.json").file(),
                "a colon alone does not make a URL");
    }

    @Test
    void bothPostgresqlFormsAreDatabases() {
        StoreLocation l = StoreLocation.parse("postgresql://db.internal:5433/mcp?sslmode=require");
        assertTrue(l.isDatabase());
        assertNull(l.file());
        assertEquals("postgresql://db.internal:5433/mcp?sslmode=require", l.database().toString());
        StoreLocation j = StoreLocation.parse("jdbc:postgresql://db.internal/mcp");
        assertEquals("postgresql://db.internal/mcp", j.database().toString());
        assertEquals("postgresql://H/db", StoreLocation.parse("POSTGRESQL://H/db").toString(),
                "the driver knows the scheme in lower case only");
        assertEquals("postgresql://db.internal:5433/mcp", l.toString(), "messages show no parameters");
        assertEquals("postgresql://db.internal:5433/mcp?sslmode=require", l.driverUrl());
    }

    @Test
    void failoverHostListsAndUnderscoresAreHosts() {
        StoreLocation l = StoreLocation.parse("postgresql://fleet@db_1:5432,db_2:5432/mcp?targetServerType=primary");
        assertEquals("postgresql://db_1:5432,db_2:5432/mcp?targetServerType=primary", l.driverUrl(),
                "the user goes to the driver as a property");
        assertEquals("fleet", l.databaseUser());
        assertEquals("postgresql://db_1:5432,db_2:5432/mcp", l.toString());
    }

    @Test
    void urlShapedValuesAreNeverFilePaths() {
        for (String v : new String[] {"postgresql:/host:5432/db", "postgresql:host/db", "jdbc:mysql://h/db",
                "mysql://h/db", "https://example.com/tokens.json"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StoreLocation.parse(v), v);
            assertTrue(e.getMessage().contains("postgresql://HOST"), e.getMessage());
        }
    }

    @Test
    void aDatabaseUrlNeedsAHostAndADatabase() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StoreLocation.parse("postgresql:///db"))
                .getMessage().contains("no host"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StoreLocation.parse("postgresql://h"))
                .getMessage().contains("no database"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StoreLocation.parse("postgresql://h/a/b"))
                .getMessage().contains("no database"));
    }

    @Test
    void aPasswordInTheUrlIsRefusedWithoutBeingShown() {
        for (String v : new String[] {"postgresql://alice:s3cr3t-pw@h/db", "postgresql://h/db?password=s3cr3t-pw", "postgresql://alice%3As3cr3t-pw@h/db",
                "jdbc:postgresql://h/db?ssl=true&PASSWORD=s3cr3t-pw", "postgresql://h/db?sslpassword=s3cr3t-pw"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StoreLocation.parse(v), v);
            assertTrue(e.getMessage().contains("password"), e.getMessage());
            assertTrue(e.getMessage().contains("mcp.refresh.store.password.file"), e.getMessage());
            assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
        }
        assertEquals("alice", StoreLocation.parse("postgresql://alice@h/db").databaseUser(),
                "a user alone is not a secret");
    }

    @Test
    void anEmptyValueSaysWhatIsExpected() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StoreLocation.parse("  "))
                .getMessage().contains("postgresql://"));
    }
}
