// Test helpers: archives that expand far past their size, built without ever holding the expanded
// bytes (the tests measure the process's memory, so generating the bomb must not inflate it).
import fs from "node:fs";
import zlib from "node:zlib";

const MB = 1024 * 1024;

/** Raw deflate of `mb` MiB of zeros, streamed through zlib one reused 1 MiB buffer at a time. */
export async function deflatedZeros(mb: number): Promise<Buffer> {
  const deflate = zlib.createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on("data", (b: Buffer) => out.push(b));
  const done = new Promise((resolve, reject) => deflate.on("end", resolve).on("error", reject));
  const zeros = Buffer.alloc(MB);
  for (let i = 0; i < mb; i++) if (!deflate.write(zeros)) await new Promise((r) => deflate.once("drain", r));
  deflate.end();
  await done;
  return Buffer.concat(out);
}

interface ZipEntry {
  name: string;
  /** Stored (method 0) when `deflated` is absent. */
  data?: Buffer;
  deflated?: Buffer;
  /** What the headers claim the entry expands to: a bomb lies here. */
  declaredSize?: number;
}

/** A zip whose local and central headers declare whatever sizes the entries say. */
export function buildZip(entries: ZipEntry[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const body = e.deflated ?? e.data ?? Buffer.alloc(0);
    const method = e.deflated ? 8 : 0;
    const crc = e.data ? zlib.crc32(e.data) : 0;
    const size = e.declaredSize ?? (e.data ? e.data.length : 0);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const cen = Buffer.alloc(46);
    cen.writeUInt32LE(0x02014b50, 0);
    cen.writeUInt16LE(20, 4);
    cen.writeUInt16LE(20, 6);
    cen.writeUInt16LE(0x0800, 8);
    cen.writeUInt16LE(method, 10);
    cen.writeUInt32LE(crc, 16);
    cen.writeUInt32LE(body.length, 20);
    cen.writeUInt32LE(size, 24);
    cen.writeUInt16LE(name.length, 28);
    cen.writeUInt32LE(offset, 42);
    parts.push(local, name, body);
    central.push(cen, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, end]);
}

function tarHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100);
  h.write("0000644\0", 100);
  h.write("0000000\0", 108);
  h.write("0000000\0", 116);
  h.write(`${size.toString(8).padStart(11, "0")}\0`, 124);
  h.write("00000000000\0", 136);
  h.write("        ", 148); // checksum field counts as spaces while summing
  h.write("0", 156);
  h.write("ustar\u000000", 257);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  return h;
}

/**
 * Writes a .tar.gz to `file`: the given small files, then `hugeMb` MiB — as one file named
 * `hugeName` when given, else as zeros after the end-of-archive marker (which tar readers skip).
 */
export async function writeTarGzBomb(
  file: string,
  small: Record<string, string>,
  hugeMb: number,
  hugeName?: string,
): Promise<void> {
  const gzip = zlib.createGzip({ level: 9 });
  const out = fs.createWriteStream(file);
  gzip.pipe(out);
  const write = async (b: Buffer) => {
    if (!gzip.write(b)) await new Promise((r) => gzip.once("drain", r));
  };
  for (const [name, text] of Object.entries(small)) {
    const body = Buffer.from(text);
    await write(tarHeader(name, body.length));
    await write(Buffer.concat([body, Buffer.alloc((512 - (body.length % 512)) % 512)]));
  }
  if (hugeName) await write(tarHeader(hugeName, hugeMb * MB));
  else await write(Buffer.alloc(1024)); // end of archive
  const zeros = Buffer.alloc(MB);
  for (let i = 0; i < hugeMb; i++) await write(zeros);
  gzip.end();
  await new Promise<void>((resolve, reject) => out.on("finish", () => resolve()).on("error", reject));
}
