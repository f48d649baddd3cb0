// An appended module signature (scripts/sign-file): signature bytes, struct module_signature
// (include/linux/module_signature.h, 12 bytes) and the "~Module signature appended~\n" marker.
// For PKCS#7 signatures the signer, key serial and hash come from the SignerInfo, as modinfo shows them.
import { readDer, readDerChildren, type DerNode } from "./der.js";

export const SIGNATURE_MARKER = "~Module signature appended~\n";
const MODULE_SIGNATURE_SIZE = 12;
const PKEY_ID_PKCS7 = 2;

export interface ModuleSignature {
  signer?: string;
  // Serial number of the signing certificate, as modinfo's sig_key prints it ("4B:0A:...").
  keyId?: string;
  hashAlgorithm?: string;
  length: number;
}

const HASH_ALGORITHMS: Record<string, string> = {
  "2b0e03021a": "sha1",
  "608648016503040201": "sha256",
  "608648016503040202": "sha384",
  "608648016503040203": "sha512",
  "608648016503040204": "sha224",
  "608648016503040208": "sha3-256",
  "608648016503040209": "sha3-384",
  "60864801650304020a": "sha3-512",
};
const COMMON_NAME = "550403";
const ORGANIZATION = "55040a";

// Pure: the signature of a module file's bytes, or undefined when it carries none.
export function readModuleSignature(bytes: Buffer): ModuleSignature | undefined {
  const marker = Buffer.from(SIGNATURE_MARKER);
  if (bytes.length < marker.length + MODULE_SIGNATURE_SIZE || !bytes.subarray(bytes.length - marker.length).equals(marker))
    return undefined;
  const info = bytes.subarray(bytes.length - marker.length - MODULE_SIGNATURE_SIZE, bytes.length - marker.length);
  const idType = info[2];
  const length = info.readUInt32BE(8);
  const start = bytes.length - marker.length - MODULE_SIGNATURE_SIZE - length;
  if (start < 0) return { length };
  if (idType !== PKEY_ID_PKCS7) return { length };
  return { length, ...describePkcs7(bytes.subarray(start, start + length)) };
}

function describePkcs7(der: Buffer): Omit<ModuleSignature, "length"> {
  try {
    const signerInfo = findSignerInfo(readDer(der, 0));
    if (!signerInfo) return {};
    const [, identifier, digestAlgorithm] = readDerChildren(signerInfo);
    const [issuer, serial] = identifier ? readDerChildren(identifier) : [];
    const hashOid = digestAlgorithm ? readDerChildren(digestAlgorithm)[0] : undefined;
    return {
      ...(issuer ? { signer: readNameAttribute(issuer, COMMON_NAME) ?? readNameAttribute(issuer, ORGANIZATION) } : {}),
      ...(serial?.tag === 0x02 ? { keyId: formatSerial(serial.content) } : {}),
      ...(hashOid ? { hashAlgorithm: HASH_ALGORITHMS[hashOid.content.toString("hex")] ?? `oid ${hashOid.content.toString("hex")}` } : {}),
    };
  } catch {
    return {}; // a damaged signature still counts as present; its details are unknown
  }
}

// ContentInfo { oid, [0] SignedData { version, digestAlgorithms, content, [0] certs?, [1] crls?, signerInfos SET } }
function findSignerInfo(contentInfo: DerNode): DerNode | undefined {
  const [, explicit] = readDerChildren(contentInfo);
  const signedData = explicit ? readDerChildren(explicit)[0] : undefined;
  const signerInfos = signedData
    ? readDerChildren(signedData)
        .filter((node) => node.tag === 0x31)
        .pop()
    : undefined;
  return signerInfos ? readDerChildren(signerInfos)[0] : undefined;
}

// Name: SEQUENCE of SET of SEQUENCE { oid, string }.
function readNameAttribute(name: DerNode, oid: string): string | undefined {
  for (const set of readDerChildren(name)) {
    for (const attribute of readDerChildren(set)) {
      const [type, value] = readDerChildren(attribute);
      if (type?.content.toString("hex") === oid && value) return value.content.toString("utf8");
    }
  }
  return undefined;
}

function formatSerial(content: Buffer): string {
  const trimmed = content.length > 1 && content[0] === 0 ? content.subarray(1) : content;
  return [...trimmed].map((byte) => byte.toString(16).toUpperCase().padStart(2, "0")).join(":");
}
