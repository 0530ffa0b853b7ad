"""
Checks that a FlatBuffer is safe to read, as the FlatBuffers C++ Verifier does and PROTOCOL.md §5 lists: offsets,
tables, vtables, strings and vectors lie inside the buffer and are aligned, required fields are present, nesting and
fan-out stay within limits. Positions and alignment are measured from the start of the buffer verified (a frame's
batch without its length prefix, or a body). Sizes at or above 2^15 (vtables) and 2^31 (offsets, lengths) are
refused, as JavaScript readers would read them signed.
"""

import struct

from .errors import malformed, too_large

_U16 = struct.Struct("<H")
_U32 = struct.Struct("<I")
_I32 = struct.Struct("<i")


def offset_target(buf, end, at):
    """Where the uoffset stored at `at` points, checked to be aligned, non-zero, below 2^31 and inside the buffer."""
    if at % 4 != 0:
        raise malformed(f"offset at {at} is not 4-byte aligned")
    if at + 4 > end:
        raise malformed(f"offset at {at} lies past the end of the buffer")
    offset = _U32.unpack_from(buf, at)[0]
    if offset == 0 or offset >= 0x80000000:
        raise malformed(f"offset {offset} at {at} is out of range")
    target = at + offset
    if target + 4 > end:
        raise malformed(f"offset at {at} points past the end of the buffer")
    return target


class Verifier:
    """Verifies buffers against table layouts (layouts.json) under the given limits."""

    def __init__(self, layouts, max_string_bytes, max_vector_length, max_depth, max_tables):
        self.layouts = layouts
        self.max_string_bytes = max_string_bytes
        self.max_vector_length = max_vector_length
        self.max_depth = max_depth
        self.max_tables = max_tables

    def verify_root(self, buf, table):
        """Verifies `buf` whose root table is `table`; returns the root table's position or raises ProtocolError."""
        end = len(buf)
        if end < 8:
            raise malformed(f"buffer of {end} bytes is too short for a FlatBuffer")
        self._buf = buf
        self._end = end
        self._tables = 0
        try:
            root = offset_target(buf, end, 0)
            self._table(root, self.layouts[table], 1)
            return root
        finally:
            self._buf = b""

    def _table(self, pos, layout, depth):
        name = layout["name"]
        if depth > self.max_depth:
            raise too_large(f"tables nest deeper than {self.max_depth}")
        self._tables += 1
        if self._tables > self.max_tables:
            raise too_large(f"buffer holds more than {self.max_tables} tables")
        if pos % 4 != 0:
            raise malformed(f"{name} table at {pos} is not 4-byte aligned")
        buf, end = self._buf, self._end
        vtable = pos - _I32.unpack_from(buf, pos)[0]
        if vtable < 0 or vtable + 4 > end or vtable % 2 != 0:
            raise malformed(f"{name} table at {pos} has its vtable out of range")
        vtable_size = _U16.unpack_from(buf, vtable)[0]
        table_size = _U16.unpack_from(buf, vtable + 2)[0]
        if vtable_size < 4 or vtable_size % 2 != 0 or vtable_size >= 0x8000 or vtable + vtable_size > end:
            raise malformed(f"{name} table at {pos} has a vtable of invalid size {vtable_size}")
        if table_size < 4 or table_size >= 0x8000 or pos + table_size > end:
            raise malformed(f"{name} table at {pos} has an invalid size {table_size}")
        for field in layout["fields"]:
            entry = 4 + 2 * field["slot"]
            field_offset = _U16.unpack_from(buf, vtable + entry)[0] if entry + 2 <= vtable_size else 0
            if field_offset == 0:
                if field["required"]:
                    raise malformed(f"{name}.{field['name']} is required but absent")
                continue
            self._field(pos, field_offset, table_size, field, name, depth)

    def _field(self, pos, field_offset, table_size, field, table_name, depth):
        kind = field["kind"]
        at = pos + field_offset
        inline = field["size"] if kind in ("scalar", "struct") else 4
        what = f"{table_name}.{field['name']}"
        if field_offset < 4 or field_offset + inline > table_size:
            raise malformed(f"{what} lies outside its table")
        if kind in ("scalar", "struct"):
            if at % field["align"] != 0:
                raise malformed(f"{what} is misaligned")
        elif kind == "string":
            self._string(offset_target(self._buf, self._end, at), what)
        elif kind == "table":
            self._table(offset_target(self._buf, self._end, at), self.layouts[field["table"]], depth + 1)
        else:
            self._vector(offset_target(self._buf, self._end, at), field, what, depth)

    def _vector(self, target, field, what, depth):
        length = _U32.unpack_from(self._buf, target)[0]
        if length > self.max_vector_length:
            raise too_large(f"{what} has {length} elements, more than {self.max_vector_length}")
        first = target + 4
        element = field["element"]
        if element in ("scalar", "struct"):
            if first % field["elementAlign"] != 0:
                raise malformed(f"{what} is misaligned")
            if first + length * field["elementSize"] > self._end:
                raise malformed(f"{what} runs past the end of the buffer")
            return
        if first + length * 4 > self._end:
            raise malformed(f"{what} runs past the end of the buffer")
        for i in range(length):
            at = offset_target(self._buf, self._end, first + 4 * i)
            if element == "string":
                self._string(at, what)
            else:
                self._table(at, self.layouts[field["table"]], depth + 1)

    def _string(self, target, what):
        if target % 4 != 0:
            raise malformed(f"{what} string is not 4-byte aligned")
        length = _U32.unpack_from(self._buf, target)[0]
        if length > self.max_string_bytes:
            raise too_large(f"{what} is {length} bytes long, more than {self.max_string_bytes}")
        if target + 4 + length + 1 > self._end:
            raise malformed(f"{what} runs past the end of the buffer")
        if self._buf[target + 4 + length] != 0:
            raise malformed(f"{what} is not zero-terminated")
        return length
