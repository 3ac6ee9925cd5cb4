package dev.mcprefresh.agent.library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.agent.bridge.McpRefreshBridge;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The libraries' tables against what they name: a role that is not a bridge method (a typo would switch a library off
 * silently: the entry call's reflective lookup fails inside its own try/catch), a field-read role whose return type is
 * not the field's, and, for the library classes on this module's test class path, a method or field the class does
 * not have with that exact descriptor.
 */
class LibraryTablesTest {

    @ParameterizedTest(name = "attached={0}")
    @ValueSource(booleans = {false, true})
    void everyRoleIsABridgeMethodAndEveryNamedMemberExists(boolean attached) throws Exception {
        Targets targets = new Targets();
        EnabledLibraries all = EnabledLibraries.all(attached);
        for (LibraryDescriptor d : Libraries.all()) {
            LibrarySupport support = all.support(d.name());
            assertTrue(support != null, d.name() + "'s support class loads");
            targets.library(d.name());
            support.targets(targets, attached);
        }
        List<String> problems = new ArrayList<>();
        int checkedInJars = 0;
        for (Map.Entry<String, ClassEdits> e : targets.byClass().entrySet()) {
            String type = e.getKey();
            ClassEdits edits = e.getValue();
            assertTrue(Libraries.ALL[index(edits.library())].mayOwn(type), type + " lies in " + edits.library()
                    + "'s packages (the transformer's name check)");
            edits.entryCalls().forEach((method, role) -> {
                if (!isBridgeMethod(role, void.class)) {
                    problems.add(type + "." + method + ": no bridge method static void " + role + "(Object)");
                }
            });
            edits.fieldReads().forEach((field, role) -> {
                String descriptor = field.substring(field.indexOf(':') + 1);
                if (!isBridgeMethod(role, null) || !descriptorOf(bridgeMethod(role).getReturnType()).equals(descriptor)) {
                    problems.add(type + "." + field + ": no bridge method static " + descriptor + " " + role
                            + "(Object)");
                }
            });
            ClassMembers members = membersOnClassPath(type);
            if (members != null) {
                checkedInJars++;
                problems.addAll(members.missing(type, edits));
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(checkedInJars >= 4, "the SDK and WebFlux classes on the test class path were checked: "
                + checkedInJars);
    }

    private static int index(String library) {
        for (int i = 0; i < Libraries.ALL.length; i++) {
            if (Libraries.ALL[i].name().equals(library)) {
                return i;
            }
        }
        throw new AssertionError(library);
    }

    private static boolean isBridgeMethod(String role, Class<?> returnType) {
        Method m = bridgeMethod(role);
        return m != null && Modifier.isStatic(m.getModifiers()) && Modifier.isPublic(m.getModifiers())
                && (returnType == null || m.getReturnType() == returnType);
    }

    private static Method bridgeMethod(String role) {
        try {
            return McpRefreshBridge.class.getMethod(role, Object.class);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static String descriptorOf(Class<?> type) {
        return type.isPrimitive() ? String.valueOf(net.bytebuddy.jar.asm.Type.getDescriptor(type))
                : "L" + type.getName().replace('.', '/') + ";";
    }

    /** The members of a class on this module's test class path, or null when its library is not there. */
    private static ClassMembers membersOnClassPath(String internalName) throws Exception {
        try (InputStream in = LibraryTablesTest.class.getClassLoader().getResourceAsStream(internalName + ".class")) {
            return in == null ? null : ClassMembers.of(in.readAllBytes()); // null: the it/ modules cover that one
        }
    }
}
