// Serves the Monaco editor from our own node_modules, so the editor never loads from a CDN. The
// files are listed once; a request names one of them and no path is ever built from its text.
import fs from "node:fs";
import path from "node:path";

export const runtime = "nodejs";

const ROOT = path.join(/*turbopackIgnore: true*/ process.cwd(), "node_modules", "monaco-editor", "min", "vs");
const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".ttf": "font/ttf",
  ".json": "application/json",
  ".svg": "image/svg+xml",
};

let files: Map<string, string> | undefined;
function monacoFiles(): Map<string, string> {
  if (!files) {
    files = new Map();
    const walk = (dir: string, rel: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(dir, e.name), `${rel}${e.name}/`);
        else if (e.isFile()) files!.set(`${rel}${e.name}`, path.join(dir, e.name));
      }
    };
    walk(ROOT, "");
  }
  return files;
}

export async function GET(_req: Request, { params }: { params: Promise<{ path: string[] }> }): Promise<Response> {
  const file = monacoFiles().get((await params).path.join("/"));
  if (!file) return new Response("Not found", { status: 404 });
  const body = await fs.promises.readFile(file);
  return new Response(body, {
    headers: {
      "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
      "cache-control": "public, max-age=31536000, immutable",
    },
  });
}
