package dev.mcprefresh.agent.patcher;

/** Big-endian reads of the class file format, and a growable buffer to write one. */
final class ClassBytes {
    private byte[] buffer;
    private int size;

    ClassBytes(int capacity) {
        buffer = new byte[capacity];
    }

    static int u1(byte[] b, int at) {
        return b[at] & 0xFF;
    }

    static int u2(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
    }

    static int u4(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }

    int size() {
        return size;
    }

    ClassBytes u1(int v) {
        ensure(1);
        buffer[size++] = (byte) v;
        return this;
    }

    ClassBytes u2(int v) {
        if (v < 0 || v > 0xFFFF) {
            throw new IllegalArgumentException("value out of the class file's u2 range: " + v);
        }
        ensure(2);
        buffer[size++] = (byte) (v >>> 8);
        buffer[size++] = (byte) v;
        return this;
    }

    ClassBytes u4(int v) {
        ensure(4);
        buffer[size++] = (byte) (v >>> 24);
        buffer[size++] = (byte) (v >>> 16);
        buffer[size++] = (byte) (v >>> 8);
        buffer[size++] = (byte) v;
        return this;
    }

    ClassBytes bytes(byte[] b, int from, int length) {
        ensure(length);
        System.arraycopy(b, from, buffer, size, length);
        size += length;
        return this;
    }

    ClassBytes bytes(ClassBytes other) {
        return bytes(other.buffer, 0, other.size);
    }

    /** Overwrites a u2 or u4 written earlier (a length known only after its content). */
    void putU2(int at, int v) {
        buffer[at] = (byte) (v >>> 8);
        buffer[at + 1] = (byte) v;
    }

    void putU4(int at, int v) {
        buffer[at] = (byte) (v >>> 24);
        buffer[at + 1] = (byte) (v >>> 16);
        buffer[at + 2] = (byte) (v >>> 8);
        buffer[at + 3] = (byte) v;
    }

    byte[] toByteArray() {
        return java.util.Arrays.copyOf(buffer, size);
    }

    private void ensure(int more) {
        if (size + more > buffer.length) {
            buffer = java.util.Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
        }
    }
}
