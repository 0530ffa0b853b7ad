// Reads the subset of the FlatBuffers schema language that PacketFlow's schemas use and works out the layout of
// every table: which vtable slot holds which field and how many bytes each field, struct and vector element
// takes. The codec's verifier walks untrusted buffers with these layouts, because the JavaScript FlatBuffers
// runtime has no verifier of its own. Anything outside the subset is an error, so a schema change cannot silently
// escape verification.

const SCALAR_SIZES = {
  bool: 1,
  byte: 1,
  ubyte: 1,
  int8: 1,
  uint8: 1,
  short: 2,
  ushort: 2,
  int16: 2,
  uint16: 2,
  int: 4,
  uint: 4,
  int32: 4,
  uint32: 4,
  float: 4,
  float32: 4,
  long: 8,
  ulong: 8,
  int64: 8,
  uint64: 8,
  double: 8,
  float64: 8,
};

function tokenize(source, file) {
  const tokens = [];
  const re = /\s+|\/\/[^\n]*|("(?:[^"\\]|\\.)*")|(-?[0-9][0-9A-Za-z_.]*)|([A-Za-z_][A-Za-z0-9_.]*)|([{}()[\]:;=,])/gy;
  let m;
  let line = 1;
  while (re.lastIndex < source.length) {
    const at = re.lastIndex;
    m = re.exec(source);
    if (!m) throw new Error(`${file}:${line}: unexpected character ${JSON.stringify(source[at])}`);
    const text = m[0];
    if (m[1] !== undefined) tokens.push({ kind: 'string', text: JSON.parse(m[1]), line });
    else if (m[2] !== undefined) tokens.push({ kind: 'number', text, line });
    else if (m[3] !== undefined) tokens.push({ kind: 'ident', text, line });
    else if (m[4] !== undefined) tokens.push({ kind: 'punct', text, line });
    line += text.split('\n').length - 1;
  }
  return tokens;
}

function parseFile(source, file, decls) {
  const tokens = tokenize(source, file);
  let i = 0;
  let namespace = '';
  const peek = () => tokens[i];
  const fail = (msg) => {
    throw new Error(`${file}:${peek()?.line ?? 'end'}: ${msg}`);
  };
  const next = () => tokens[i++] ?? fail('unexpected end of schema');
  const expect = (text) => {
    const t = next();
    if (t.text !== text) fail(`expected "${text}", found "${t.text}"`);
    return t;
  };
  const ident = () => {
    const t = next();
    if (t.kind !== 'ident') fail(`expected a name, found "${t.text}"`);
    return t.text;
  };
  const attributes = () => {
    const attrs = {};
    if (peek()?.text !== '(') return attrs;
    next();
    while (peek()?.text !== ')') {
      const name = ident();
      attrs[name] = true;
      if (peek()?.text === ':') {
        next();
        attrs[name] = next().text;
      }
      if (peek()?.text === ',') next();
    }
    expect(')');
    return attrs;
  };
  const qualify = (name) => (namespace ? `${namespace}.${name}` : name);

  while (i < tokens.length) {
    const keyword = ident();
    if (
      keyword === 'include' ||
      keyword === 'attribute' ||
      keyword === 'file_identifier' ||
      keyword === 'file_extension'
    ) {
      next();
      expect(';');
    } else if (keyword === 'namespace') {
      namespace = ident();
      expect(';');
    } else if (keyword === 'root_type') {
      ident();
      expect(';');
    } else if (keyword === 'enum') {
      const name = ident();
      expect(':');
      const underlying = ident();
      if (!(underlying in SCALAR_SIZES)) fail(`enum ${name} has non-scalar type ${underlying}`);
      attributes();
      expect('{');
      while (next().text !== '}');
      decls.set(qualify(name), { decl: 'enum', name, namespace, underlying, file });
    } else if (keyword === 'struct' || keyword === 'table') {
      const name = ident();
      attributes();
      expect('{');
      const fields = [];
      while (peek()?.text !== '}') {
        const fieldName = ident();
        expect(':');
        let type;
        let vector = false;
        if (peek()?.text === '[') {
          next();
          type = ident();
          if (peek()?.text === ':') fail('fixed-size arrays are not supported');
          expect(']');
          vector = true;
        } else {
          type = ident();
        }
        if (peek()?.text === '=') {
          next();
          next();
        }
        const attrs = attributes();
        expect(';');
        fields.push({ name: fieldName, type, vector, attrs });
      }
      expect('}');
      decls.set(qualify(name), { decl: keyword, name, namespace, fields, file });
    } else {
      fail(`"${keyword}" is not supported by the PacketFlow schema subset`);
    }
  }
}

function resolve(decls, type, namespace) {
  if (type in SCALAR_SIZES || type === 'string') return type;
  const parts = namespace.split('.');
  for (let n = parts.length; n >= 0; n--) {
    const candidate = [...parts.slice(0, n), type].filter(Boolean).join('.');
    if (decls.has(candidate)) return candidate;
  }
  throw new Error(`unknown type ${type} in namespace ${namespace}`);
}

function structLayout(decls, qualified, cache) {
  if (cache.has(qualified)) return cache.get(qualified);
  const decl = decls.get(qualified);
  let size = 0;
  let align = 1;
  for (const field of decl.fields) {
    if (field.vector) throw new Error(`struct ${decl.name} cannot hold a vector`);
    const type = resolve(decls, field.type, decl.namespace);
    const member = scalarOrStruct(decls, type, cache);
    if (!member) throw new Error(`struct ${decl.name} field ${field.name} must be a scalar, enum or struct`);
    size = Math.ceil(size / member.align) * member.align + member.size;
    align = Math.max(align, member.align);
  }
  const layout = { size: Math.ceil(size / align) * align, align };
  cache.set(qualified, layout);
  return layout;
}

function scalarOrStruct(decls, type, cache) {
  if (type in SCALAR_SIZES) return { kind: 'scalar', size: SCALAR_SIZES[type], align: SCALAR_SIZES[type] };
  const decl = decls.get(type);
  if (decl?.decl === 'enum') {
    const size = SCALAR_SIZES[decl.underlying];
    return { kind: 'scalar', size, align: size };
  }
  if (decl?.decl === 'struct') return { kind: 'struct', ...structLayout(decls, type, cache) };
  return undefined;
}

/** Parses schema sources ({ file, source }[]) and returns the layout of every table, keyed by its short name. */
export function tableLayouts(schemas) {
  const decls = new Map();
  for (const { file, source } of schemas) parseFile(source, file, decls);
  const structs = new Map();
  const layouts = {};
  for (const [qualified, decl] of decls) {
    if (decl.decl !== 'table') continue;
    if (layouts[decl.name]) throw new Error(`table name ${decl.name} is used twice; message types must be unique`);
    const explicitIds = decl.fields.filter((f) => f.attrs.id !== undefined).length;
    if (explicitIds !== 0 && explicitIds !== decl.fields.length) {
      throw new Error(`table ${decl.name}: either every field has an id attribute or none does`);
    }
    const fields = [];
    for (const [index, field] of decl.fields.entries()) {
      const slot = explicitIds ? Number(field.attrs.id) : index;
      if (field.attrs.deprecated) continue;
      const required = field.attrs.required === true;
      const type = resolve(decls, field.type, decl.namespace);
      const inline = scalarOrStruct(decls, type, structs);
      const base = { name: field.name, slot, required };
      if (field.vector) {
        if (inline)
          fields.push({
            ...base,
            kind: 'vector',
            element: inline.kind,
            elementSize: inline.size,
            elementAlign: inline.align,
          });
        else if (type === 'string') fields.push({ ...base, kind: 'vector', element: 'string' });
        else if (decls.get(type)?.decl === 'table')
          fields.push({ ...base, kind: 'vector', element: 'table', table: decls.get(type).name });
        else throw new Error(`table ${decl.name} field ${field.name}: unsupported vector element ${type}`);
      } else if (inline) {
        fields.push({ ...base, kind: inline.kind, size: inline.size, align: inline.align });
      } else if (type === 'string') {
        fields.push({ ...base, kind: 'string' });
      } else if (decls.get(type)?.decl === 'table') {
        fields.push({ ...base, kind: 'table', table: decls.get(type).name });
      } else {
        throw new Error(`table ${decl.name} field ${field.name}: unsupported type ${type}`);
      }
    }
    layouts[decl.name] = { name: decl.name, qualifiedName: qualified, fields };
  }
  return layouts;
}
