package dev.mcprefresh.core.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void aNumberSentAsAStringTakesAsciiDigitsOnly() {
        Map<String, Object> obj = new HashMap<>();
        for (String ok : new String[] {"3600", "-1", "+60", "0"}) {
            obj.put("expires_in", ok);
            assertEquals(Long.parseLong(ok), Json.number(obj, "expires_in"), ok);
        }
        // Long.parseLong reads these as 3600 and 41.
        for (String bad : new String[] {"\u0663\u0666\u0660\u0660", "\uff14\uff11", "36\u0660\u0660", "", "-", "1e3",
            " 60", "99999999999999999999"}) {
            obj.put("expires_in", bad);
            JsonException e = assertThrows(JsonException.class, () -> Json.number(obj, "expires_in"), bad);
            assertEquals("'expires_in' must be a number", e.getMessage());
        }
        obj.put("expires_in", 60L);
        assertFalse(Json.number(obj, "expires_in") == null);
    }
}
