package dev.mcprefresh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The test-side PostgreSQL launcher itself: users, databases, restart, crash and restart, dump, cleanup. */
class PostgresServerTest {

    @Test
    void aClusterOfItsOwnSurvivesRestartAndCrash() throws Exception {
        Path dir;
        long t0 = System.nanoTime();
        try (PostgresServer pg = PostgresServer.start()) {
            log("start", t0);
            dir = pg.logFile().getParent();
            assertEquals("postgresql://127.0.0.1:" + pg.port() + "/app", pg.url("app"));
            pg.createUser("app", "app-pw");
            pg.createDatabase("app", "app");
            assertEquals("1", pg.sql("app", "app", "app-pw", "select 1"));
            assertEquals("42", pg.sql("app", "app", "app-pw",
                    "create table t (id int primary key, note text); insert into t values (42, 'kept'); select id from t"));
            IllegalStateException wrongPassword = assertThrows(IllegalStateException.class,
                    () -> pg.sql("app", "app", "not-it", "select 1"));
            assertTrue(wrongPassword.getMessage().contains("password authentication failed"), wrongPassword.getMessage());

            long t1 = System.nanoTime();
            pg.restart();
            log("restart", t1);
            assertEquals("kept", pg.sql("app", "app", "app-pw", "select note from t where id = 42"));

            int port = pg.port();
            pg.kill();
            long t2 = System.nanoTime();
            pg.startAgain();
            log("start after kill", t2);
            assertEquals(port, pg.port());
            assertEquals("kept", pg.sql("app", "select note from t where id = 42"));
            assertTrue(Files.readString(pg.logFile()).contains("not properly shut down"), "crash recovery expected");

            String dump = pg.pgDump("app");
            assertTrue(dump.contains("42\tkept"), dump);
            assertFalse(dump.contains("OWNER TO"), "--no-owner");
        }
        assertFalse(Files.exists(dir), "temp dir deleted");
    }

    private static void log(String what, long since) {
        System.out.printf("%s: %d ms%n", what, (System.nanoTime() - since) / 1_000_000);
    }
}
