package dev.mcprefresh.agent.sdk;

import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Inserts at the start of {@code build()}:
 * <pre>
 * try {
 *     Class.forName(BRIDGE, true, ClassLoader.getSystemClassLoader())
 *          .getMethod("beforeBuild", Object.class).invoke(null, new Object[] {this});
 * } catch (Throwable ignored) { }
 * </pre>
 * Only java.* types are referenced, so the builder's class loader needs to see nothing of ours; reflection costs
 * nothing that matters once per transport built. The try/catch keeps the app safe whatever happens. Frames are
 * written by hand (expanded, as read with EXPAND_FRAMES) because COMPUTE_FRAMES would load classes from inside a
 * transformer.
 */
final class BuildEntryInjector extends ClassVisitor {
    static final String BRIDGE = "dev.mcprefresh.agent.bridge.McpRefreshBridge";

    private final String buildDescriptor;
    private String owner;
    private boolean applied;

    BuildEntryInjector(ClassVisitor next, String buildDescriptor) {
        super(Opcodes.ASM9, next);
        this.buildDescriptor = buildDescriptor;
    }

    boolean applied() {
        return applied;
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
        if (name.equals("build") && descriptor.equals(buildDescriptor) && (access & Opcodes.ACC_STATIC) == 0
                && (access & Opcodes.ACC_ABSTRACT) == 0) {
            applied = true;
            return new EntryCall(mv, owner);
        }
        return mv;
    }

    private static final class EntryCall extends MethodVisitor {
        private final Object[] entryLocals;
        /** Our frame for the original first instruction, unless the original code brings its own there. */
        private boolean framePending;

        EntryCall(MethodVisitor next, String owner) {
            super(Opcodes.ASM9, next);
            this.entryLocals = new Object[] {owner};
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
            super.visitLdcInsn("beforeBuild");
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
            super.visitFrame(Opcodes.F_NEW, 1, entryLocals, 1, new Object[] {"java/lang/Throwable"});
            super.visitInsn(Opcodes.POP);
            super.visitLabel(after);
            framePending = true;
        }

        private void flushFrame() {
            if (framePending) {
                framePending = false;
                super.visitFrame(Opcodes.F_NEW, 1, entryLocals, 0, new Object[0]);
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
