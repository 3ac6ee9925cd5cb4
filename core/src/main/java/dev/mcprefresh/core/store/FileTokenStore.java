package dev.mcprefresh.core.store;

import dev.mcprefresh.core.json.Json;
import dev.mcprefresh.core.json.JsonException;
import dev.mcprefresh.core.log.Log;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The file store: one JSON file, documented in the README, shared by every process of the user. Format 2 keys
 * entries by id (a server URL and an identity); a format 1 file (keyed by server URL) is read and migrated on the
 * next write.
 * Reads need no lock (writes are atomic renames, so a reader sees the old or the new file, never a mix).
 * {@link #update} holds a per-file lock across read, change and write, so concurrent processes serialise.
 */
public final class FileTokenStore implements TokenStore {
    public static final int FORMAT = 2;
    /** A store of many entries is still a few hundred KiB; a larger file is not read into memory. */
    static final long MAX_BYTES = 8L << 20;
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private final Path path;
    private final Path lockPath;
    private final Duration lockTimeout;
    private volatile boolean accessChecked;

    public FileTokenStore(Path path, Duration lockTimeout) {
        this.path = path.toAbsolutePath().normalize();
        this.lockPath = this.path.resolveSibling(this.path.getFileName() + ".lock");
        this.lockTimeout = lockTimeout;
    }

    public Path path() {
        return path;
    }

    @Override
    public String location() {
        return path.toString();
    }

    @Override
    public String kind() {
        return "file";
    }

    @Override
    public String protection() {
        return "file mode 0600 in a 0700 directory";
    }

    /** A missing file is an empty store, an unreadable or corrupt one an error. */
    @Override
    public StoreContents read() {
        byte[] bytes;
        try {
            bytes = readBounded();
        } catch (NoSuchFileException e) {
            return StoreContents.empty();
        } catch (IOException e) {
            throw new StoreException("cannot read token store " + path + ": " + e.getClass().getSimpleName());
        }
        if (!accessChecked) {
            accessChecked = true; // once per store: the warnings are about the file, not about each read
            if (POSIX) {
                for (String problem : StoreAccessCheck.problems(path, StoreAccessCheck.processUser(path))) {
                    Log.warn(problem);
                }
            }
        }
        return parse(bytes);
    }

    /** The file's bytes, refusing one over {@link #MAX_BYTES} before reading it. */
    private byte[] readBounded() throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > MAX_BYTES) {
                throw new StoreException("token store " + path + " is " + (size >> 20) + " MiB, over the "
                        + (MAX_BYTES >> 20) + " MiB a token store can be; it was left as it is (is it the right file?)");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) size);
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // read until full or end of file
            }
            return buf.position() == buf.capacity() ? buf.array() : java.util.Arrays.copyOf(buf.array(), buf.position());
        }
    }

    /**
     * What identifies the file's current version (inode, modification time, size): every write is a rename of a new
     * file, so any write changes it. Null when there is no store. A stat, no read.
     */
    @Override
    public Object version() {
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            return a.fileKey() + "/" + a.lastModifiedTime().toMillis() + "/" + a.size();
        } catch (IOException e) {
            return null;
        }
    }

    private StoreContents parse(byte[] bytes) {
        try {
            Map<String, Object> top = Json.parseObject(bytes);
            Long format = Json.number(top, "format");
            if (format != null && format > FORMAT) {
                throw new StoreException("token store " + path + " has format " + format
                        + ", written by a newer mcp-refresh; this version reads format " + FORMAT + " and will not change it");
            }
            boolean format1 = format == null || format < 2;
            Map<String, Object> entries = Json.object(top, format1 ? "servers" : "entries");
            Map<String, TokenRecord> records = new LinkedHashMap<>();
            if (entries != null) {
                for (Map.Entry<String, Object> e : entries.entrySet()) {
                    if (!(e.getValue() instanceof Map)) {
                        throw new JsonException("entry '" + e.getKey() + "' must be an object");
                    }
                    @SuppressWarnings("unchecked")
                    Map<String, Object> entry = (Map<String, Object>) e.getValue();
                    TokenRecord r = format1 ? TokenRecord.fromFormat1(e.getKey(), entry)
                            : TokenRecord.fromJson(e.getKey(), entry);
                    records.put(r.id(), r);
                }
            }
            Map<String, Object> other = new LinkedHashMap<>(top);
            other.remove("format");
            other.remove(format1 ? "servers" : "entries");
            return new StoreContents(records, other, format1);
        } catch (JsonException e) {
            throw new StoreException("token store " + path + " is not valid: " + e.getMessage()
                    + "; it was left as it is (fix or move it, then run 'mcp-refresh status')");
        }
    }

    /**
     * Runs {@code action} with the store locked against other threads and processes: the contents are read after
     * the lock is taken, and written back atomically if the action changed them.
     */
    @Override
    public <T> T update(Function<StoreContents, T> action) {
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(path, p -> new ReentrantLock());
        long deadline = System.nanoTime() + lockTimeout.toNanos();
        try {
            if (!jvmLock.tryLock(lockTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new StoreException("timed out after " + lockTimeout.toSeconds() + " s waiting for the lock of " + path);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for the lock of " + path);
        }
        try {
            ensureDirectory();
            try (FileChannel lockChannel = openLockFile();
                 FileLock ignored = acquire(lockChannel, deadline)) {
                StoreContents contents = read();
                T result = action.apply(contents);
                if (contents.changed()) {
                    write(contents);
                }
                return result;
            }
        } catch (IOException e) {
            throw new StoreException("cannot lock or write token store " + path + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() != null ? " " + e.getMessage() : ""));
        } finally {
            jvmLock.unlock();
        }
    }

    private FileChannel openLockFile() throws IOException {
        ensureDirectory();
        if (POSIX && !Files.exists(lockPath)) {
            try {
                Files.createFile(lockPath, PosixFilePermissions.asFileAttribute(FILE_MODE));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another process made it first
            }
        }
        return FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    private FileLock acquire(FileChannel channel, long deadline) throws IOException {
        long started = System.nanoTime();
        boolean logged = false;
        while (true) {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return lock;
            }
            long now = System.nanoTime();
            if (now >= deadline) {
                throw new StoreException("timed out after " + lockTimeout.toSeconds()
                        + " s waiting for another process's lock on " + lockPath);
            }
            if (!logged && now - started > TimeUnit.SECONDS.toNanos(2)) {
                Log.info("waiting for another process's lock on " + lockPath);
                logged = true;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException("interrupted while waiting for the lock of " + path);
            }
        }
    }

    private void ensureDirectory() throws IOException {
        Path dir = path.getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            if (POSIX) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
            } else {
                Files.createDirectories(dir);
            }
        }
    }

    /**
     * Moves an unreadable store aside (same directory, same mode) so a new one can be started; what was there is
     * kept, never deleted. Returns the backup's path, or null when the store reads fine or does not exist.
     */
    @Override
    public String setAsideIfCorrupt() {
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(path, p -> new ReentrantLock());
        jvmLock.lock();
        try (FileChannel lockChannel = openLockFile();
             FileLock ignored = acquire(lockChannel, System.nanoTime() + lockTimeout.toNanos())) {
            try {
                read();
                return null;
            } catch (StoreException corrupt) {
                if (!Files.exists(path)) {
                    return null;
                }
                Path backup = path.resolveSibling(path.getFileName() + ".corrupt-" + System.currentTimeMillis());
                Files.move(path, backup, StandardCopyOption.ATOMIC_MOVE);
                return backup.toString();
            }
        } catch (IOException e) {
            throw new StoreException("cannot set aside token store " + path + ": " + e.getClass().getSimpleName());
        } finally {
            jvmLock.unlock();
        }
    }

    /**
     * Checks that the store can be written, and serialises a small document once so the first real write needs no
     * class loading. Called under the lock, before a token request.
     */
    @Override
    public void warmUpWriter() {
        if (Files.isSymbolicLink(path)) {
            // Found before the token request: a refresh whose answer could never be saved would spend a rotation.
            throw new StoreException("token store " + path + " is a symbolic link; refusing to write secrets through it");
        }
        if (!writerWarm) {
            Json.write(Map.of("format", (long) FORMAT));
            writerWarm = true;
        }
    }

    private static volatile boolean writerWarm;

    /** Temp file (0600) in the same directory, fsync, atomic rename over the store, fsync the directory. */
    private void write(StoreContents contents) throws IOException {
        if (Files.isSymbolicLink(path)) {
            throw new StoreException("token store " + path + " is a symbolic link; refusing to write secrets through it");
        }
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("format", (long) FORMAT);
        Map<String, Object> entries = new LinkedHashMap<>();
        for (TokenRecord r : contents.recordMap().values()) {
            entries.put(r.id(), r.toJson());
        }
        top.put("entries", entries);
        top.putAll(contents.otherTopLevel());
        byte[] bytes = Json.write(top);

        Path dir = path.getParent();
        FileAttribute<?>[] attrs = POSIX
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_MODE)} : new FileAttribute<?>[0];
        Path tmp = Files.createTempFile(dir, "." + path.getFileName() + ".", ".tmp", attrs);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new StoreException("the file system of " + path + " cannot rename atomically; choose another store path");
            }
            syncDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Not every platform can open a directory; the rename itself is still atomic.
        }
    }
}
