/**
 * Starts a worker thread running a module of this package, from the built JavaScript (dist) or,
 * under tsx (tests, `node --import tsx`), from the TypeScript source: a `.ts` module cannot be a
 * Worker entry by itself, so a tiny bootstrap registers tsx in the worker first.
 */
import { Worker, type WorkerOptions } from "node:worker_threads";
import { fileURLToPath } from "node:url";

/**
 * @param moduleUrl `import.meta.url` of the worker module (it checks `isMainThread` itself).
 * @param options passed to `new Worker` (workerData, transferList, ...).
 */
export function startModuleWorker(moduleUrl: string, options: WorkerOptions): Worker {
  const file = fileURLToPath(moduleUrl);
  if (!file.endsWith(".ts")) return new Worker(file, options);
  const api = import.meta.resolve("tsx/esm/api");
  const boot = `import(${JSON.stringify(api)}).then((t) => { t.register(); return import(${JSON.stringify(moduleUrl)}); });`;
  return new Worker(boot, { ...options, eval: true, execArgv: [] });
}
