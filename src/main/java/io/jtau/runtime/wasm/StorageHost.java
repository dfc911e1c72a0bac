package io.jtau.runtime.wasm;

import static io.jtau.runtime.wasm.HostCatalog.errno;
import static io.jtau.runtime.wasm.HostCatalog.fill;
import static io.jtau.runtime.wasm.HostCatalog.size;
import static io.jtau.runtime.wasm.HostCatalog.utf8;

import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.ArrayList;
import java.util.List;

/**
 * Storage files and content (§3.8, 26 functions) over {@link GuestServices#storage} and {@link
 * GuestServices#content}. Stateless; handles live in {@link HostState}.
 */
final class StorageHost {

  /** Largest scratch content a guest may build or open, so a guest cannot exhaust the heap. */
  static final int MAX_CONTENT_BYTES = 64 << 20;

  private StorageHost() {}

  @FunctionalInterface
  private interface StorageOp {
    int apply(FileStorage st, Memory m, long[] a) throws FileStorage.StorageException;
  }

  /** Unknown storage id → {@code unknown}; a backend failure → {@code failure}. */
  private static HostCatalog.ErrnoImpl onStorage(int unknown, int failure, StorageOp op) {
    return (ctx, m, a) -> {
      FileStorage st = ctx.state.storage(a[0]);
      if (st == null) {
        return unknown;
      }
      try {
        return op.apply(st, m, a);
      } catch (FileStorage.StorageException e) {
        return failure;
      }
    };
  }

  private static byte[] decimal(long v) {
    return utf8(Long.toString(v));
  }

  static void register(List<HostSpec> out) {
    out.add(errno("storageNew", 3, (ctx, m, a) -> open(ctx, m, a, true)));
    out.add(errno("storageGet", 3, (ctx, m, a) -> open(ctx, m, a, false)));
    out.add(
        errno(
            "storageListFilesSize",
            2,
            onStorage(
                Errno.EVENT_NOT_FOUND,
                Errno.STORAGE_LIST_FAILED,
                (st, m, a) -> size(m, a[1], HostCatalog.stringList(st.files())))));
    out.add(
        errno(
            "storageListFiles",
            2,
            onStorage(
                Errno.EVENT_NOT_FOUND,
                Errno.STORAGE_LIST_FAILED,
                (st, m, a) -> fill(m, a[1], HostCatalog.stringList(st.files())))));
    out.add(
        errno(
            "storageAddFile",
            7,
            onStorage(
                Errno.EVENT_NOT_FOUND,
                Errno.ADD_FILE_FAILED,
                (st, m, a) -> {
                  String name = GuestMemory.readString(m, a[1], a[2]);
                  byte[] data = GuestMemory.read(m, a[4], a[5]);
                  if (name == null || data == null) {
                    return Errno.ADDRESS_OUT_OF_MEMORY;
                  }
                  int version = st.add(name, data, a[6] == 1);
                  return GuestMemory.writeU32(m, a[3], version)
                      ? Errno.NONE
                      : Errno.MEMORY_WRITE_FAILED;
                })));
    out.add(
        errno(
            "storageGetFile",
            5,
            (ctx, m, a) -> {
              FileStorage st = ctx.state.storage(a[0]);
              if (st == null) {
                return Errno.EVENT_NOT_FOUND;
              }
              String name = GuestMemory.readString(m, a[1], a[2]);
              if (name == null) {
                return Errno.ADDRESS_OUT_OF_MEMORY;
              }
              // quirk kept: the fd is allocated and written before the file is looked up (§1.5)
              HostState.Scratch file = new HostState.Scratch(null);
              int fd = ctx.state.addFile(a[0], file);
              if (!GuestMemory.writeU32(m, a[4], fd)) {
                return Errno.MEMORY_WRITE_FAILED;
              }
              try {
                byte[] b = st.read(name, (int) a[3]);
                if (b == null) {
                  return Errno.STORAGE_GET_META_FAILED;
                }
                file.reset(b);
                return Errno.NONE;
              } catch (FileStorage.StorageException e) {
                return Errno.GET_FILE_FAILED;
              }
            }));
    out.add(
        errno(
            "storageReadFile",
            5,
            (ctx, m, a) -> {
              HostState.Scratch f = ctx.state.file(a[0], a[1]);
              return f == null ? Errno.ADDRESS_OUT_OF_MEMORY : readLoop(f, m, a[2], a[3], a[4]);
            }));
    out.add(
        errno(
            "storageCloseFile",
            2,
            (ctx, m, a) ->
                ctx.state.removeFile(a[0], a[1]) == null
                    ? Errno.ADDRESS_OUT_OF_MEMORY
                    : Errno.NONE));
    out.add(
        errno(
            "storageDeleteFile",
            5,
            onStorage(
                Errno.EVENT_NOT_FOUND,
                Errno.DELETE_FILE_FAILED,
                (st, m, a) -> {
                  String name = GuestMemory.readString(m, a[1], a[2]);
                  if (name == null) {
                    return Errno.ADDRESS_OUT_OF_MEMORY;
                  }
                  st.delete(name, (int) a[3], a[4] == 1);
                  return Errno.NONE;
                })));
    out.add(errno("storageListVersionsSize", 4, versions(true)));
    out.add(errno("storageListVersions", 4, versions(false)));
    out.add(
        errno(
            "storageCid",
            4,
            onStorage(
                Errno.STORAGE_NOT_FOUND,
                Errno.STORAGE_GET_META_FAILED,
                (st, m, a) -> {
                  String name = GuestMemory.readString(m, a[1], a[2]);
                  if (name == null) {
                    return Errno.ADDRESS_OUT_OF_MEMORY;
                  }
                  byte[] cid = st.cid(name);
                  if (cid == null) {
                    return Errno.STORAGE_GET_META_FAILED;
                  }
                  return Cids.parsePrefix(cid) == null ? Errno.INVALID_CID : fill(m, a[3], cid);
                })));
    out.add(
        errno(
            "storageCurrentVersionSize",
            4,
            (ctx, m, a) -> {
              FileStorage st = ctx.state.storage(a[0]);
              if (st == null) {
                return Errno.ADDRESS_OUT_OF_MEMORY; // sic, §3.8
              }
              String name = GuestMemory.readString(m, a[1], a[2]);
              if (name == null) {
                return Errno.ADDRESS_OUT_OF_MEMORY;
              }
              List<Integer> vs;
              try {
                vs = st.versions(name);
              } catch (FileStorage.StorageException e) {
                return Errno.LIST_FILE_VERSIONS_FAILED;
              }
              if (vs.isEmpty()) {
                return Errno.LIST_FILE_VERSIONS_FAILED;
              }
              String latest = Integer.toString(vs.get(vs.size() - 1));
              ctx.state.currentVersion(name, latest);
              return size(m, a[3], utf8(latest));
            }));
    out.add(
        errno(
            "storageCurrentVersion",
            3,
            (ctx, m, a) -> {
              String name = GuestMemory.readString(m, a[0], a[1]);
              if (name == null) {
                return Errno.ADDRESS_OUT_OF_MEMORY;
              }
              String v = ctx.state.currentVersion(name);
              return v == null ? Errno.ADDRESS_OUT_OF_MEMORY : fill(m, a[2], utf8(v));
            }));
    out.add(
        errno(
            "storageUsedSize",
            2,
            onStorage(
                Errno.EVENT_NOT_FOUND,
                Errno.LISTING_USED_SPACE_FAILED,
                (st, m, a) -> size(m, a[1], decimal(st.used())))));
    out.add(
        errno(
            "storageUsed",
            2,
            onStorage(
                Errno.EVENT_NOT_FOUND,
                Errno.LISTING_USED_SPACE_FAILED,
                (st, m, a) -> fill(m, a[1], decimal(st.used())))));
    out.add(
        errno(
            "storageCapacitySize",
            2,
            onStorage(
                Errno.EVENT_NOT_FOUND,
                Errno.LISTING_USED_SPACE_FAILED,
                (st, m, a) -> size(m, a[1], decimal(st.capacity())))));
    out.add(
        errno(
            "storageCapacity",
            2,
            onStorage(
                Errno.EVENT_NOT_FOUND,
                Errno.LISTING_USED_SPACE_FAILED,
                (st, m, a) -> fill(m, a[1], decimal(st.capacity())))));
    content(out);
  }

  private static HostCatalog.ErrnoImpl versions(boolean sizeOnly) {
    return onStorage(
        Errno.EVENT_NOT_FOUND,
        Errno.LIST_FILE_VERSIONS_FAILED,
        (st, m, a) -> {
          String name = GuestMemory.readString(m, a[1], a[2]);
          if (name == null) {
            return Errno.ADDRESS_OUT_OF_MEMORY;
          }
          List<Integer> vs = st.versions(name);
          if (vs.isEmpty()) {
            return Errno.LIST_FILE_VERSIONS_FAILED;
          }
          List<String> text = new ArrayList<>();
          vs.forEach(v -> text.add(Integer.toString(v)));
          byte[] list = HostCatalog.stringList(text);
          return sizeOnly ? size(m, a[3], list) : fill(m, a[3], list);
        });
  }

  private static int open(InvocationContext ctx, Memory m, long[] a, boolean create) {
    String name = GuestMemory.readString(m, a[0], a[1]);
    if (name == null) {
      return Errno.ADDRESS_OUT_OF_MEMORY;
    }
    FileStorage st = ctx.invocation.services().storage(ctx.invocation, name, create).orElse(null);
    if (st == null) {
      return create ? Errno.DATABASE_CREATE_FAILED : Errno.STORAGE_NOT_FOUND;
    }
    int id = ctx.state.addStorage(st);
    return GuestMemory.writeU32(m, a[2], id) ? Errno.NONE : Errno.MEMORY_WRITE_FAILED;
  }

  /** The read-loop of §1.6: 0 while bytes come, 8 with count 0 at the end. */
  private static int readLoop(
      HostState.Scratch f, Memory m, long bufPtr, long bufLen, long countPtr) {
    if (!GuestMemory.inBounds(m, bufPtr, bufLen)) {
      return Errno.ADDRESS_OUT_OF_MEMORY;
    }
    byte[] chunk = f.read((int) Math.min(bufLen, Integer.MAX_VALUE));
    GuestMemory.write(m, bufPtr, chunk);
    if (!GuestMemory.writeU32(m, countPtr, chunk.length)) {
      return Errno.ADDRESS_OUT_OF_MEMORY;
    }
    return chunk.length == 0 && bufLen > 0 ? Errno.EOF : Errno.NONE;
  }

  // ---- content

  private static void content(List<HostSpec> out) {
    out.add(
        errno(
            "storageNewContent",
            1,
            (ctx, m, a) -> {
              // quirk kept: the counter advances even when the id cannot be written (§1.5)
              int id = ctx.state.addContent(new HostState.Scratch(null));
              return GuestMemory.writeU32(m, a[0], id) ? Errno.NONE : Errno.CREATING_NEW_FILE;
            }));
    out.add(
        errno(
            "storageOpenCid",
            2,
            (ctx, m, a) -> {
              byte[] buf = GuestMemory.read(m, a[1], Cids.BUFFER);
              if (buf == null) {
                return Errno.ADDRESS_OUT_OF_MEMORY;
              }
              byte[] cid = Cids.parsePrefix(buf);
              if (cid == null) {
                return Errno.INVALID_CID;
              }
              ContentStore store = ctx.invocation.services().content(ctx.invocation).orElse(null);
              byte[] data;
              try {
                data = store == null ? null : store.get(cid);
              } catch (FileStorage.StorageException e) {
                data = null;
              }
              if (data == null) {
                return Errno.CID_NOT_FOUND;
              }
              if (data.length > MAX_CONTENT_BYTES) {
                return Errno.WRITING_FILE;
              }
              HostState.Scratch c = new HostState.Scratch(cid);
              c.reset(data);
              c.seekEnd();
              int id = ctx.state.addContent(c);
              return GuestMemory.writeU32(m, a[0], id) ? Errno.NONE : Errno.CREATING_NEW_FILE;
            }));
    out.add(
        errno(
            "contentWriteFile",
            4,
            (ctx, m, a) -> {
              HostState.Scratch c = ctx.state.content(a[0]);
              if (c == null) {
                return Errno.CONTENT_NOT_FOUND;
              }
              byte[] data = GuestMemory.read(m, a[1], a[2]);
              if (data == null) {
                return Errno.ADDRESS_OUT_OF_MEMORY;
              }
              if (!c.write(data, MAX_CONTENT_BYTES)) {
                return Errno.WRITING_FILE;
              }
              return GuestMemory.writeU32(m, a[3], data.length)
                  ? Errno.NONE
                  : Errno.MEMORY_WRITE_FAILED;
            }));
    out.add(
        errno(
            "contentReadFile",
            4,
            (ctx, m, a) -> {
              HostState.Scratch c = ctx.state.content(a[0]);
              return c == null ? Errno.CONTENT_NOT_FOUND : readLoop(c, m, a[1], a[2], a[3]);
            }));
    out.add(
        new HostSpec(
            HostCatalog.SDK,
            "contentSeekFile",
            FunctionType.of(
                List.of(ValType.I32, ValType.I64, ValType.I32, ValType.I32), List.of(ValType.I32)),
            (ctx, inst, args) -> {
              Memory m = HostCatalog.memoryOf(inst);
              HostState.Scratch c = ctx.state.content(args[0] & 0xFFFF_FFFFL);
              if (c == null) {
                return new long[] {Errno.CONTENT_NOT_FOUND};
              }
              long whence = args[2] & 0xFFFF_FFFFL;
              if (whence > 2) {
                return new long[] {Errno.INVALID_WHENCE};
              }
              long pos = c.seek(args[1], (int) whence);
              if (pos < 0) {
                return new long[] {Errno.SEEKING_FILE};
              }
              return new long[] {
                GuestMemory.writeU32(m, args[3] & 0xFFFF_FFFFL, pos)
                    ? Errno.NONE
                    : Errno.MEMORY_WRITE_FAILED
              };
            }));
    out.add(
        errno(
            "contentFileCid",
            2,
            (ctx, m, a) -> {
              HostState.Scratch c = ctx.state.content(a[0]);
              if (c == null) {
                return Errno.CONTENT_NOT_FOUND;
              }
              // content made by storageNewContent reports nothing, even after a push (§3.8)
              return c.openedFrom == null ? Errno.NONE : fill(m, a[1], c.openedFrom);
            }));
    out.add(
        errno(
            "contentPushFile",
            2,
            (ctx, m, a) -> {
              HostState.Scratch c = ctx.state.content(a[0]);
              if (c == null) {
                return Errno.CONTENT_NOT_FOUND;
              }
              ContentStore store = ctx.invocation.services().content(ctx.invocation).orElse(null);
              if (store == null) {
                return Errno.ADD_FILE_FAILED;
              }
              c.seek(0, 0);
              try {
                byte[] cid = store.add(c.all());
                return fill(m, a[1], cid);
              } catch (FileStorage.StorageException e) {
                return Errno.ADD_FILE_FAILED;
              }
            }));
    out.add(
        errno(
            "contentCloseFile",
            1,
            (ctx, m, a) ->
                ctx.state.removeContent(a[0]) == null ? Errno.CONTENT_NOT_FOUND : Errno.NONE));
  }
}
