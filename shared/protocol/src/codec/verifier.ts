import type { Limits } from './limits.js';
import { offsetTarget, readU16, readU32 } from './little-endian.js';
import { malformed, tooLarge } from './protocol-error.js';
import type { FieldLayout, TableLayout } from './table-layout.js';

/**
 * Checks that a FlatBuffer is safe to read with the generated accessors, as the C++ Verifier does: every offset
 * points inside the buffer, every table, vtable, string and vector fits, alignment holds, required fields are
 * present, and nesting and fan-out stay within limits. The JavaScript runtime reads out-of-range bytes as
 * `undefined` and signed where the format is unsigned, so anything that passes here must also read the same way
 * there: sizes at or above 2^15 (vtables) and 2^31 (offsets, lengths) are refused.
 */
export class Verifier {
  private bytes: Uint8Array = new Uint8Array(0);
  private end = 0;
  private tables = 0;

  constructor(
    private readonly limits: Readonly<Limits>,
    private readonly layouts: Readonly<Record<string, TableLayout>>,
  ) {}

  /** Verifies a buffer whose root table has `layout`; throws ProtocolError. */
  verifyRoot(bytes: Uint8Array, layout: TableLayout): number {
    this.bytes = bytes;
    this.end = bytes.length;
    this.tables = 0;
    if (this.end < 8) throw malformed(`buffer of ${this.end} bytes is too short for a FlatBuffer`);
    const root = offsetTarget(this.bytes, this.end, 0);
    this.table(root, layout, 1);
    return root;
  }

  private table(pos: number, layout: TableLayout, depth: number): void {
    if (depth > this.limits.maxDepth) throw tooLarge(`tables nest deeper than ${this.limits.maxDepth}`);
    if (++this.tables > this.limits.maxTables) throw tooLarge(`buffer holds more than ${this.limits.maxTables} tables`);
    if (pos % 4 !== 0) throw malformed(`${layout.name} table at ${pos} is not 4-byte aligned`);
    const soffset = readU32(this.bytes, pos) | 0;
    const vtable = pos - soffset;
    if (vtable < 0 || vtable + 4 > this.end || vtable % 2 !== 0) {
      throw malformed(`${layout.name} table at ${pos} has its vtable out of range`);
    }
    const vtableSize = readU16(this.bytes, vtable);
    const tableSize = readU16(this.bytes, vtable + 2);
    if (vtableSize < 4 || vtableSize % 2 !== 0 || vtableSize >= 0x8000 || vtable + vtableSize > this.end) {
      throw malformed(`${layout.name} table at ${pos} has a vtable of invalid size ${vtableSize}`);
    }
    if (tableSize < 4 || tableSize >= 0x8000 || pos + tableSize > this.end) {
      throw malformed(`${layout.name} table at ${pos} has an invalid size ${tableSize}`);
    }
    for (const field of layout.fields) {
      const entry = 4 + 2 * field.slot;
      const fieldOffset = entry + 2 <= vtableSize ? readU16(this.bytes, vtable + entry) : 0;
      if (fieldOffset === 0) {
        if (field.required) throw malformed(`${layout.name}.${field.name} is required but absent`);
        continue;
      }
      this.field(pos, fieldOffset, tableSize, field, layout, depth);
    }
  }

  private field(
    pos: number,
    fieldOffset: number,
    tableSize: number,
    field: FieldLayout,
    layout: TableLayout,
    depth: number,
  ): void {
    const at = pos + fieldOffset;
    const inlineSize = field.kind === 'scalar' || field.kind === 'struct' ? field.size : 4;
    if (fieldOffset < 4 || fieldOffset + inlineSize > tableSize) {
      throw malformed(`${layout.name}.${field.name} lies outside its table`);
    }
    switch (field.kind) {
      case 'scalar':
      case 'struct':
        if (at % field.align !== 0) throw malformed(`${layout.name}.${field.name} is misaligned`);
        return;
      case 'string':
        this.string(offsetTarget(this.bytes, this.end, at), layout, field);
        return;
      case 'table':
        this.table(offsetTarget(this.bytes, this.end, at), this.layoutOf(field.table), depth + 1);
        return;
      case 'vector':
        this.vector(offsetTarget(this.bytes, this.end, at), field, layout, depth);
        return;
    }
  }

  private vector(target: number, field: FieldLayout & { kind: 'vector' }, layout: TableLayout, depth: number): void {
    const length = readU32(this.bytes, target);
    if (length > this.limits.maxVectorLength) {
      throw tooLarge(`${layout.name}.${field.name} has ${length} elements, more than ${this.limits.maxVectorLength}`);
    }
    const first = target + 4;
    if (field.element === 'scalar' || field.element === 'struct') {
      if (first % field.elementAlign !== 0) throw malformed(`${layout.name}.${field.name} is misaligned`);
      if (first + length * field.elementSize > this.end) {
        throw malformed(`${layout.name}.${field.name} runs past the end of the buffer`);
      }
      return;
    }
    if (first + length * 4 > this.end) throw malformed(`${layout.name}.${field.name} runs past the end of the buffer`);
    for (let i = 0; i < length; i++) {
      const element = offsetTarget(this.bytes, this.end, first + 4 * i);
      if (field.element === 'string') this.string(element, layout, field);
      else if (field.element === 'table') this.table(element, this.layoutOf(field.table), depth + 1);
    }
  }

  /**
   * Checks a string at `target` (length, bytes and terminating zero) and returns its byte length. The field's name
   * is put together only for a message, so that a string that verifies costs no allocation.
   */
  private string(target: number, layout: TableLayout, field: FieldLayout): number {
    const maxBytes = this.limits.maxStringBytes;
    if (target % 4 !== 0) throw malformed(`${layout.name}.${field.name} string is not 4-byte aligned`);
    const length = readU32(this.bytes, target);
    if (length > maxBytes)
      throw tooLarge(`${layout.name}.${field.name} is ${length} bytes long, more than ${maxBytes}`);
    if (target + 4 + length + 1 > this.end)
      throw malformed(`${layout.name}.${field.name} runs past the end of the buffer`);
    if (this.bytes[target + 4 + length] !== 0) throw malformed(`${layout.name}.${field.name} is not zero-terminated`);
    return length;
  }

  private layoutOf(name: string): TableLayout {
    const layout = this.layouts[name];
    if (!layout) throw malformed(`no layout for table ${name}`);
    return layout;
  }
}
