/**
 * Error raised for a user mistake (bad flag, bad file, invalid parameter).
 *
 * The CLI prints `error: <message>` on one line and exits with code 2, never a stack trace.
 * Library code throws it from validation at the boundary; kernels never throw it.
 *
 * @example
 * throw new InputError("devices.json: Q must be > -1 (got -1.5)");
 */
export class InputError extends Error {
  /** Process exit code the CLI uses for this error (2 = bad input). */
  readonly exitCode: number = 2;
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

/**
 * Error raised when a computation fails for a reason that is not a user mistake but a result
 * (training diverged, a fit did not converge). The CLI prints it on one line and exits with 1.
 */
export class ComputationError extends Error {
  /** Process exit code the CLI ends with: 1 (a computation failed, as opposed to bad input: 2). */
  readonly exitCode: number = 1;
  constructor(message: string) {
    super(message);
    this.name = "ComputationError";
  }
}
