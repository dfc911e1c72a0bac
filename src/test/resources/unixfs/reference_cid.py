#!/usr/bin/env python3
"""Independent reference for jtau's UnixFS CIDs (issue 6).

Computes, from first principles and with the Python standard library only, the CIDv1 that
`ipfs add --cid-version=1 --raw-leaves=false --chunker=size-262144` (balanced layout) gives a
file. It shares no code with io.jtau.store.UnixFs; the Java tests record its outputs as vectors.

Usage:
  reference_cid.py FILE                 CID of a file
  reference_cid.py --pattern N          CID of N bytes where byte i is i % 251
  reference_cid.py --text 'Hello'       CID of the UTF-8 text
"""
import base64
import hashlib
import sys

CHUNK = 262144
MAX_LINKS = 174


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field_varint(num, value):
    return varint(num << 3) + varint(value)


def field_bytes(num, value):
    return varint((num << 3) | 2) + varint(len(value)) + value


def unixfs_file(data, filesize, blocksizes):
    # UnixFS Data message: Type=1 (File=2), Data=2 (omitted when None), filesize=3, blocksizes=4
    msg = field_varint(1, 2)
    if data is not None:
        msg += field_bytes(2, data)
    msg += field_varint(3, filesize)
    for size in blocksizes:
        msg += field_varint(4, size)
    return msg


def pb_node(links, data):
    # dag-pb canonical form: every Links entry (field 2) first, then Data (field 1)
    out = b""
    for cid_bytes, tsize in links:
        link = field_bytes(1, cid_bytes) + field_bytes(2, b"") + field_varint(3, tsize)
        out += field_bytes(2, link)
    out += field_bytes(1, data)
    return out


def cid_of(node):
    return b"\x01\x70\x12\x20" + hashlib.sha256(node).digest()


class Built:
    def __init__(self, node, filesize):
        self.node = node
        self.cid = cid_of(node)
        self.filesize = filesize
        self.tsize = len(node)


def leaf(chunk):
    data = chunk if len(chunk) > 0 else None
    return Built(pb_node([], unixfs_file(data, len(chunk), [])), len(chunk))


def parent(children):
    data = unixfs_file(None, sum(c.filesize for c in children), [c.filesize for c in children])
    node = pb_node([(c.cid, c.tsize) for c in children], data)
    built = Built(node, sum(c.filesize for c in children))
    built.tsize = len(node) + sum(c.tsize for c in children)
    return built


def chunks(content):
    for off in range(0, len(content), CHUNK):
        yield content[off:off + CHUNK]


def balanced(content):
    """Mirrors the balanced layout: the first leaf is the root; while data remains, the root
    becomes the first child of a node one level deeper, which is then filled with full subtrees."""
    it = iter(list(chunks(content)))
    first = next(it, None)
    if first is None:
        return leaf(b"")
    pending = list(it)
    pending.reverse()  # pop() takes the next chunk

    def fill(depth):
        kids = []
        while len(kids) < MAX_LINKS and pending:
            kids.append(leaf(pending.pop()) if depth == 1 else fill(depth - 1))
        return parent(kids)

    root = leaf(first)
    depth = 1
    while pending:
        kids = [root]
        while len(kids) < MAX_LINKS and pending:
            kids.append(leaf(pending.pop()) if depth == 1 else fill(depth - 1))
        root = parent(kids)
        depth += 1
    return root


def text(cid_bytes):
    return "b" + base64.b32encode(cid_bytes).decode("ascii").lower().rstrip("=")


def main(argv):
    if len(argv) == 3 and argv[1] == "--pattern":
        n = int(argv[2])
        content = bytes(i % 251 for i in range(n))
    elif len(argv) == 3 and argv[1] == "--text":
        content = argv[2].encode("utf-8")
    elif len(argv) == 2:
        with open(argv[1], "rb") as f:
            content = f.read()
    else:
        print(__doc__, file=sys.stderr)
        return 2
    print(text(balanced(content).cid))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
