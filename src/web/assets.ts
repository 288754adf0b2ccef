import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/**
 * The page's files, prepared once at start-up and then served from memory: the HTML shell, the
 * stylesheet, the icon, and the client compiled from `client/*.ts` by esbuild (which tsx already
 * brings along; there is no build step for the CLI, so there is none for the page either).
 */

export interface Asset {
  readonly body: Buffer;
  /** Present when compressing saved something worth the CPU on the client. */
  readonly gzip: Buffer | undefined;
  readonly contentType: string;
  readonly etag: string;
}

/** Asset by URL path. `/` and `/incidents/<id>` both get the same shell: the client picks the view. */
export interface PageAssets {
  readonly shell: Asset;
  readonly files: ReadonlyMap<string, Asset>;
}

const STATIC_DIR = new URL('./static/', import.meta.url);
const CLIENT_ENTRY = fileURLToPath(new URL('./client/main.ts', import.meta.url));

export async function loadPageAssets(): Promise<PageAssets> {
  const [script, style] = await Promise.all([bundleClient(), minifyCss(readStatic('style.css'))]);
  return {
    shell: asset(readStatic('index.html'), 'text/html; charset=utf-8'),
    files: new Map([
      ['/static/app.js', asset(script, 'text/javascript; charset=utf-8')],
      ['/static/style.css', asset(style, 'text/css; charset=utf-8')],
      ['/static/favicon.svg', asset(readStatic('favicon.svg'), 'image/svg+xml')],
    ]),
  };
}

function readStatic(name: string): Buffer {
  return readFileSync(new URL(name, STATIC_DIR));
}

async function bundleClient(): Promise<Buffer> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [CLIENT_ENTRY],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error('esbuild produced no output for the incident page client');
  return Buffer.from(output.contents);
}

async function minifyCss(css: Buffer): Promise<Buffer> {
  const esbuild = await import('esbuild');
  const result = await esbuild.transform(css.toString('utf8'), { loader: 'css', minify: true });
  return Buffer.from(result.code);
}

/** Bodies this small gain nothing from compression. */
const MIN_GZIP_BYTES = 1024;

export function asset(body: Buffer, contentType: string): Asset {
  return {
    body,
    gzip: gzipped(body),
    contentType,
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
  };
}

export function gzipped(body: Buffer): Buffer | undefined {
  if (body.length < MIN_GZIP_BYTES) return undefined;
  const compressed = gzipSync(body);
  return compressed.length < body.length ? compressed : undefined;
}
