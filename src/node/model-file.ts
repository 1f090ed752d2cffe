/** Node adapter: reads and validates a model JSON file (see {@link parseModelJson} for the format). */
import { readJsonFile } from "./files.js";
import { parseModelJson, type ModelJson } from "../io/model-schema.js";

/**
 * Reads `path` (`.gz` is gunzipped) and validates it as a dynaspin model file.
 * @throws InputError naming the path and the JSON field, e.g.
 *   `model.json: A[2] has 3 rows, expected k = 4`; also for a missing, empty or non-JSON file.
 */
export function readModelFile(path: string): ModelJson {
  return parseModelJson(readJsonFile(path, "model file"), path);
}
