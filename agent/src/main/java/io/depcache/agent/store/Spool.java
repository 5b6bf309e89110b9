package io.depcache.agent.store;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Invalidations, deletes and clears that wait for the store, written down on local disk so that
 * they outlive the JVM that made them: the next agent that opens the same store on this machine
 * adopts them and applies them before it serves a hit.
 *
 * <p>One file per JVM and store, {@code <store id>-<uuid>.spool} in the spool directory, locked
 * while that JVM runs. A file of the same store that nobody holds belongs to a JVM that is gone:
 * its records are adopted (read, then deleted once applied). Records are appended and forced to
 * disk before the failed invalidation returns; the file is emptied once nothing waits. Replaying a
 * record twice is harmless: invalidations, deletes and clears are idempotent.
 *
 * <p>Best effort: a directory that cannot be written is one warning, and pending work then lives in
 * memory only, as before.
 */
final class Spool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("depcache");
  private static final String SUFFIX = ".spool";

  static final byte INVALIDATE = 'I';
  static final byte DELETE = 'D';
  static final byte CLEAR = 'C';

  /** One adopted record: what to do, and to which keys. */
  record Record(byte type, List<String> keys) {}

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;
  private final List<Path> adoptedFiles;
  private final List<Record> adopted;
  private boolean empty = true;

  private Spool(
      Path file,
      FileChannel channel,
      FileLock lock,
      List<Path> adoptedFiles,
      List<Record> adopted) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
    this.adoptedFiles = adoptedFiles;
    this.adopted = adopted;
  }

  /**
   * Opens this JVM's spool of a store, adopting the spools of JVMs of the same store that are gone.
   *
   * @param dir the spool directory, created when missing
   * @param store what identifies the store (its URL and prefix); hashed into the file names
   * @return the spool, or {@code null} (with a warning) when the directory cannot be used
   */
  static Spool open(Path dir, String store) {
    try {
      Files.createDirectories(dir);
      String id = storeId(store);
      List<Path> orphans = new ArrayList<>();
      List<Record> records = new ArrayList<>();
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, id + "-*" + SUFFIX)) {
        for (Path other : files) {
          int before = records.size();
          if (adopt(other, records)) {
            if (records.size() == before) {
              Files.deleteIfExists(other); // a JVM that stopped with nothing waiting
            } else {
              orphans.add(other);
            }
          }
        }
      }
      removeEmptyOrphans(dir, id);
      Path file = dir.resolve(id + "-" + UUID.randomUUID() + SUFFIX);
      FileChannel channel =
          FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (!records.isEmpty()) {
        LOG.warn(
            "depcache: {} invalidations, deletes or clears of a JVM that stopped before the store"
                + " answered were found in {}; applying them before caching",
            records.stream().mapToInt(r -> r.keys().size()).sum(),
            dir);
      }
      return new Spool(file, channel, lock, orphans, records);
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "depcache: spool directory {} cannot be used ({}); invalidations waiting for the store"
              + " live in memory only, and are lost if this JVM stops first",
          dir,
          e.toString());
      return null;
    }
  }

  /** What JVMs that are gone left to do, in the order they recorded it. */
  List<Record> adopted() {
    return adopted;
  }

  /** Appends a record and forces it to disk. */
  synchronized void append(byte type, Collection<String> keys) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 32 * keys.size());
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(type);
      out.writeInt(keys.size());
      for (String key : keys) {
        byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
      }
      out.flush();
      ByteBuffer buffer = ByteBuffer.wrap(bytes.toByteArray());
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(false);
      empty = false;
    } catch (IOException e) {
      LOG.warn("depcache: cannot write the spool {}: {}", file, e.toString());
    }
  }

  /** Nothing waits any more: empties this JVM's file and deletes the adopted ones. */
  synchronized void applied() {
    try {
      if (!empty) {
        channel.truncate(0);
        channel.force(false);
        empty = true;
      }
      for (Path orphan : adoptedFiles) {
        Files.deleteIfExists(orphan);
      }
      adoptedFiles.clear();
      adopted.clear();
    } catch (IOException e) {
      LOG.warn("depcache: cannot empty the spool {}: {}", file, e.toString());
    }
  }

  /** Releases the file; deleted when nothing waits, kept for the next agent otherwise. */
  @Override
  public synchronized void close() {
    try {
      if (lock != null) {
        lock.release();
      }
      channel.close();
      if (empty && adoptedFiles.isEmpty()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      LOG.warn("depcache: cannot close the spool {}: {}", file, e.toString());
    }
  }

  /**
   * Deletes the empty spools of other stores whose JVMs are gone (nothing waited in them), so that
   * the directory does not fill with the files of stopped JVMs. A file younger than a minute is
   * left alone: its JVM may be about to lock it.
   */
  private static void removeEmptyOrphans(Path dir, String ownId) throws IOException {
    long minute = System.currentTimeMillis() - 60_000;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path other : files) {
        if (other.getFileName().toString().startsWith(ownId + "-")
            || Files.size(other) != 0
            || Files.getLastModifiedTime(other).toMillis() > minute) {
          continue;
        }
        try (FileChannel channel = FileChannel.open(other, StandardOpenOption.WRITE)) {
          FileLock held = channel.tryLock();
          if (held == null) {
            continue;
          }
          held.release();
        } catch (OverlappingFileLockException e) {
          continue;
        }
        Files.deleteIfExists(other);
      }
    }
  }

  /** Reads the records of a spool whose JVM is gone; {@code false} when a live JVM holds it. */
  private static boolean adopt(Path other, List<Record> records) throws IOException {
    try (FileChannel channel =
        FileChannel.open(other, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      FileLock held;
      try {
        held = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        return false; // this JVM holds it: another store of the same settings
      }
      if (held == null) {
        return false;
      }
      try (InputStream in = Channels.newInputStream(channel)) {
        read(new DataInputStream(in), records, other);
      }
      return true;
    }
  }

  private static void read(DataInputStream in, List<Record> records, Path from) throws IOException {
    while (true) {
      int type;
      try {
        type = in.readByte();
      } catch (EOFException e) {
        return;
      }
      try {
        int n = in.readInt();
        if ((type != INVALIDATE && type != DELETE && type != CLEAR) || n < 0 || n > 1_000_000) {
          throw new IOException("not a spool record");
        }
        List<String> keys = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
          int length = in.readInt();
          if (length < 0 || length > 16 * 1024 * 1024) {
            throw new IOException("not a spool record");
          }
          byte[] utf8 = in.readNBytes(length);
          if (utf8.length < length) {
            throw new EOFException();
          }
          keys.add(new String(utf8, StandardCharsets.UTF_8));
        }
        records.add(new Record((byte) type, keys));
      } catch (EOFException e) {
        // a record cut short by a crash while it was written: its invalidation had not returned
        return;
      } catch (IOException e) {
        LOG.warn("depcache: spool {} holds something else after {} records", from, records.size());
        return;
      }
    }
  }

  private static String storeId(String store) {
    return KeyLayout.sha256Hex(store).substring(0, 16);
  }
}
