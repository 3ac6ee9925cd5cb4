package dev.mcprefresh.agent.instrument;

import java.util.Map;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Inserts at the start of each chosen instance method (by name and exact descriptor) a call to one bridge method:
 * <pre>
 * try {
 *     Class.forName(BRIDGE, true, ClassLoader.getSystemClassLoader())
 *          .getMethod(bridgeMethod, Object.class).invoke(null, new Object[] {this});
 * } catch (Throwable ignored) { }
 * </pre>
 * Only java.* types are referenced, so the target's class loader needs to see nothing of ours; the reflection costs
 * a microsecond or so per call, which matters nowhere it is used (once per transport built, or per message only in a
 * JVM the agent was attached to late). The try/catch keeps the app safe whatever happens. Frames are written by hand
 * (expanded, as read with EXPAND_FRAMES) because COMPUTE_FRAMES would load classes from inside a transformer.
 */
final class EntryCallInjector extends ClassVisitor {
    static final String BRIDGE = "dev.mcprefresh.agent.bridge.McpRefreshBridge";

    /** name + descriptor -> bridge method to call at entry. */
    private final Map<String, String> targets;
    private String owner;
    private int applied;

    EntryCallInjector(ClassVisitor next, Map<String, String> targets) {
        super(Opcodes.ASM9, next);
        this.targets = targets;
    }

    /** True when every target method was found (a class missing one is a fork: the caller skips it). */
    boolean applied() {
        return applied == targets.size();
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
        owner = name;
        super.visit(version, access, name, signature, superName, interfaces);
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
            String[] exceptions) {
        MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
        String bridgeMethod = targets.get(name + descriptor);
        if (bridgeMethod != null && (access & Opcodes.ACC_STATIC) == 0 && (access & Opcodes.ACC_ABSTRACT) == 0) {
            applied++;
            return new EntryCall(mv, entryLocals(owner, descriptor), bridgeMethod);
        }
        return mv;
    }

    /** The frame's locals at method entry: {@code this}, then the parameters (ASM's expanded form: one per value). */
    static Object[] entryLocals(String owner, String descriptor) {
        Type[] args = Type.getArgumentTypes(descriptor);
        Object[] locals = new Object[1 + args.length];
        locals[0] = owner;
        for (int i = 0; i < args.length; i++) {
            switch (args[i].getSort()) {
                case Type.BOOLEAN: case Type.CHAR: case Type.BYTE: case Type.SHORT: case Type.INT:
                    locals[i + 1] = Opcodes.INTEGER;
                    break;
                case Type.FLOAT:
                    locals[i + 1] = Opcodes.FLOAT;
                    break;
                case Type.LONG:
                    locals[i + 1] = Opcodes.LONG;
                    break;
                case Type.DOUBLE:
                    locals[i + 1] = Opcodes.DOUBLE;
                    break;
                default:
                    locals[i + 1] = args[i].getInternalName(); // objects and arrays
            }
        }
        return locals;
    }

    private static final class EntryCall extends MethodVisitor {
        private final Object[] entryLocals;
        private final String bridgeMethod;
        /** Our frame for the original first instruction, unless the original code brings its own there. */
        private boolean framePending;

        EntryCall(MethodVisitor next, Object[] entryLocals, String bridgeMethod) {
            super(Opcodes.ASM9, next);
            this.entryLocals = entryLocals;
            this.bridgeMethod = bridgeMethod;
        }

        @Override
        public void visitCode() {
            super.visitCode();
            Label start = new Label();
            Label end = new Label();
            Label handler = new Label();
            Label after = new Label();
            super.visitTryCatchBlock(start, end, handler, "java/lang/Throwable");
            super.visitLabel(start);
            super.visitLdcInsn(BRIDGE);
            super.visitInsn(Opcodes.ICONST_1);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/ClassLoader", "getSystemClassLoader",
                    "()Ljava/lang/ClassLoader;", false);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Class", "forName",
                    "(Ljava/lang/String;ZLjava/lang/ClassLoader;)Ljava/lang/Class;", false);
            super.visitLdcInsn(bridgeMethod);
            super.visitInsn(Opcodes.ICONST_1);
            super.visitTypeInsn(Opcodes.ANEWARRAY, "java/lang/Class");
            super.visitInsn(Opcodes.DUP);
            super.visitInsn(Opcodes.ICONST_0);
            super.visitLdcInsn(Type.getType(Object.class));
            super.visitInsn(Opcodes.AASTORE);
            super.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/Class", "getMethod",
                    "(Ljava/lang/String;[Ljava/lang/Class;)Ljava/lang/reflect/Method;", false);
            super.visitInsn(Opcodes.ACONST_NULL);
            super.visitInsn(Opcodes.ICONST_1);
            super.visitTypeInsn(Opcodes.ANEWARRAY, "java/lang/Object");
            super.visitInsn(Opcodes.DUP);
            super.visitInsn(Opcodes.ICONST_0);
            super.visitVarInsn(Opcodes.ALOAD, 0);
            super.visitInsn(Opcodes.AASTORE);
            super.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/reflect/Method", "invoke",
                    "(Ljava/lang/Object;[Ljava/lang/Object;)Ljava/lang/Object;", false);
            super.visitInsn(Opcodes.POP);
            super.visitLabel(end);
            super.visitJumpInsn(Opcodes.GOTO, after);
            super.visitLabel(handler);
            super.visitFrame(Opcodes.F_NEW, entryLocals.length, entryLocals, 1, new Object[] {"java/lang/Throwable"});
            super.visitInsn(Opcodes.POP);
            super.visitLabel(after);
            framePending = true;
        }

        private void flushFrame() {
            if (framePending) {
                framePending = false;
                super.visitFrame(Opcodes.F_NEW, entryLocals.length, entryLocals, 0, new Object[0]);
            }
        }

        @Override
        public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
            framePending = false; // the original code has a frame at its first instruction: it stands for ours
            super.visitFrame(type, numLocal, local, numStack, stack);
        }

        @Override
        public void visitInsn(int opcode) {
            flushFrame();
            super.visitInsn(opcode);
        }

        @Override
        public void visitIntInsn(int opcode, int operand) {
            flushFrame();
            super.visitIntInsn(opcode, operand);
        }

        @Override
        public void visitVarInsn(int opcode, int var) {
            flushFrame();
            super.visitVarInsn(opcode, var);
        }

        @Override
        public void visitTypeInsn(int opcode, String type) {
            flushFrame();
            super.visitTypeInsn(opcode, type);
        }

        @Override
        public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
            flushFrame();
            super.visitFieldInsn(opcode, owner, name, descriptor);
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            flushFrame();
            super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
        }

        @Override
        public void visitInvokeDynamicInsn(String name, String descriptor, net.bytebuddy.jar.asm.Handle bsm,
                Object... bsmArgs) {
            flushFrame();
            super.visitInvokeDynamicInsn(name, descriptor, bsm, bsmArgs);
        }

        @Override
        public void visitJumpInsn(int opcode, Label label) {
            flushFrame();
            super.visitJumpInsn(opcode, label);
        }

        @Override
        public void visitLdcInsn(Object value) {
            flushFrame();
            super.visitLdcInsn(value);
        }

        @Override
        public void visitIincInsn(int var, int increment) {
            flushFrame();
            super.visitIincInsn(var, increment);
        }

        @Override
        public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
            flushFrame();
            super.visitTableSwitchInsn(min, max, dflt, labels);
        }

        @Override
        public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
            flushFrame();
            super.visitLookupSwitchInsn(dflt, keys, labels);
        }

        @Override
        public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
            flushFrame();
            super.visitMultiANewArrayInsn(descriptor, numDimensions);
        }
    }
}
