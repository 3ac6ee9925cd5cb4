package dev.mcprefresh.agent.patcher;

import java.util.HashMap;
import java.util.Map;

/**
 * The code put at the entry of a chosen method: one reflective call into the bridge, in a try/catch of its own.
 * <pre>
 * try {
 *     Class.forName(BRIDGE, true, ClassLoader.getSystemClassLoader())
 *          .getMethod(bridgeMethod, Object.class).invoke(null, new Object[] {this});
 * } catch (Throwable ignored) { }
 * </pre>
 * Only java.* types are referenced, so the target's class loader needs to see nothing of ours (OSGi and child-first
 * loaders included); the reflection costs a microsecond or so per call, which matters nowhere it is used (once per
 * transport built, or per message only in a JVM the agent was attached to late).
 *
 * <p>The length is a multiple of 4, so every tableswitch and lookupswitch of the original code keeps its padding and
 * the original bytes move unchanged.
 */
final class EntryCallCode {
    static final String BRIDGE = "dev.mcprefresh.agent.bridge.McpRefreshBridge";
    static final int LENGTH = 44;
    /** The try covers [0, TRY_END); the handler pops the Throwable and falls through to the original code. */
    static final int TRY_END = 39;
    static final int HANDLER = 42;
    static final int MAX_STACK = 6;

    private final ConstantPoolAdditions pool;
    private final int bridgeName;
    private final int getSystemClassLoader;
    private final int forName;
    private final int classClass;
    private final int objectClass;
    private final int getMethod;
    private final int invoke;
    final int throwableClass;
    final int stackMapTableName;

    EntryCallCode(ConstantPoolAdditions pool) {
        this.pool = pool;
        bridgeName = pool.string(BRIDGE);
        getSystemClassLoader = pool.methodRef("java/lang/ClassLoader", "getSystemClassLoader",
                "()Ljava/lang/ClassLoader;");
        forName = pool.methodRef("java/lang/Class", "forName",
                "(Ljava/lang/String;ZLjava/lang/ClassLoader;)Ljava/lang/Class;");
        classClass = pool.classRef("java/lang/Class");
        objectClass = pool.classRef("java/lang/Object");
        getMethod = pool.methodRef("java/lang/Class", "getMethod",
                "(Ljava/lang/String;[Ljava/lang/Class;)Ljava/lang/reflect/Method;");
        invoke = pool.methodRef("java/lang/reflect/Method", "invoke",
                "(Ljava/lang/Object;[Ljava/lang/Object;)Ljava/lang/Object;");
        throwableClass = pool.classRef("java/lang/Throwable");
        stackMapTableName = pool.utf8("StackMapTable");
    }

    /** Writes the {@link #LENGTH} bytes that call {@code bridgeMethod(this)}. */
    void write(ClassBytes out, String bridgeMethod) {
        int start = out.size();
        int method = pool.string(bridgeMethod);
        out.u1(0x13).u2(bridgeName)                    //  0 ldc_w BRIDGE
                .u1(0x04)                              //  3 iconst_1
                .u1(0xB8).u2(getSystemClassLoader)     //  4 invokestatic ClassLoader.getSystemClassLoader
                .u1(0xB8).u2(forName)                  //  7 invokestatic Class.forName
                .u1(0x13).u2(method)                   // 10 ldc_w bridgeMethod
                .u1(0x04)                              // 13 iconst_1
                .u1(0xBD).u2(classClass)               // 14 anewarray Class
                .u1(0x59)                              // 17 dup
                .u1(0x03)                              // 18 iconst_0
                .u1(0x13).u2(objectClass)              // 19 ldc_w Object.class
                .u1(0x53)                              // 22 aastore
                .u1(0xB6).u2(getMethod)                // 23 invokevirtual Class.getMethod
                .u1(0x01)                              // 26 aconst_null
                .u1(0x04)                              // 27 iconst_1
                .u1(0xBD).u2(objectClass)              // 28 anewarray Object
                .u1(0x59)                              // 31 dup
                .u1(0x03)                              // 32 iconst_0
                .u1(0x2A)                              // 33 aload_0
                .u1(0x53)                              // 34 aastore
                .u1(0xB6).u2(invoke)                   // 35 invokevirtual Method.invoke
                .u1(0x57)                              // 38 pop
                .u1(0xA7).u2(LENGTH - TRY_END)         // 39 goto 44
                .u1(0x57)                              // 42 pop (the handler: the Throwable is dropped)
                .u1(0x00);                             // 43 nop (pads the length to a multiple of 4)
        if (out.size() - start != LENGTH) {
            throw new IllegalStateException("entry code length");
        }
    }

    /**
     * Entry calls by single method: a key listing alternatives ({@code a()V|b()V}) gives each its own line. A method
     * under two keys is a table error (which call would it get?), refused rather than decided by map order.
     */
    static Map<String, String> byMethod(Map<String, String> entryCalls) {
        Map<String, String> byMethod = new HashMap<>();
        for (Map.Entry<String, String> e : entryCalls.entrySet()) {
            for (String method : e.getKey().split("\\|")) {
                if (byMethod.putIfAbsent(method, e.getValue()) != null) {
                    throw new IllegalArgumentException("entry call for " + method + " named twice");
                }
            }
        }
        return byMethod;
    }
}
