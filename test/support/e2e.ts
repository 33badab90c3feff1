/** Helpers for the end-to-end suites. */
import { execDocker } from "../../scripts/lib/docker";
import { RunResult } from "../../scripts/lib/process";

/** Fails the test with the tail of the command's output when it did not exit 0. */
export function expectSuccess(result: RunResult): void {
  if (result.code !== 0)
    throw new Error(`command failed (exit ${result.code}):\n${result.output.slice(-6000)}`);
}

/** Runs SQL in a database container as the app's role, over the server's socket; returns the rows. */
export function psql(container: string, sql: string, role = "django", database = "django"): string {
  return execDocker(["exec", container, "psql", "-U", role, "-d", database, "-tAc", sql]);
}
