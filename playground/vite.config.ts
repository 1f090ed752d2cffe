// Vite config of the dynaspin playground: a static site (relative base, so it works from any
// folder of any static host and offline), dev server on 127.0.0.1 only.
import { defineConfig, type Plugin } from "vite";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const repo = fileURLToPath(new URL("..", import.meta.url));

/** The same policy the static server sends (src/node/static-server.ts), as a meta tag for any static host. */
const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

function cspMeta(): Plugin {
  return {
    name: "dynaspin-csp-meta",
    apply: "build",
    transformIndexHtml: (html) => html.replace("<head>", `<head>\n    <meta http-equiv="Content-Security-Policy" content="${CSP}">`),
  };
}

export default defineConfig({
  root: here,
  base: "./",
  plugins: [cspMeta()],
  server: { host: "127.0.0.1", port: 5177, strictPort: false, fs: { allow: [repo] } },
  preview: { host: "127.0.0.1" },
  worker: { format: "es" },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // Never inline assets as data: URLs (the digits file is fetched from this origin).
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
