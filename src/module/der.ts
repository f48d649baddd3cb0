// A minimal DER (ASN.1) reader: enough to walk a PKCS#7 module signature. Throws RangeError on
// malformed input; callers treat that as "details unknown".

export interface DerNode {
  tag: number;
  content: Buffer;
}

export function readDer(bytes: Buffer, offset: number): DerNode & { end: number } {
  const tag = bytes[offset];
  let lengthByte = bytes[offset + 1];
  if (tag === undefined || lengthByte === undefined) throw new RangeError("DER: truncated header");
  let position = offset + 2;
  let length = lengthByte;
  if (lengthByte & 0x80) {
    const count = lengthByte & 0x7f;
    if (count === 0 || count > 4) throw new RangeError("DER: unsupported length");
    length = 0;
    for (let index = 0; index < count; index += 1) {
      lengthByte = bytes[position + index];
      if (lengthByte === undefined) throw new RangeError("DER: truncated length");
      length = length * 256 + lengthByte;
    }
    position += count;
  }
  if (position + length > bytes.length) throw new RangeError("DER: content past the end");
  return { tag, content: bytes.subarray(position, position + length), end: position + length };
}

// The children of a constructed node (SEQUENCE, SET, [n] EXPLICIT).
export function readDerChildren(node: DerNode): DerNode[] {
  const children: DerNode[] = [];
  for (let offset = 0; offset < node.content.length; ) {
    const child = readDer(node.content, offset);
    children.push({ tag: child.tag, content: child.content });
    offset = child.end;
  }
  return children;
}
