/**
 * Synthesizes environments by running the app (main.ts) with SYNTH_ONLY, each into its own output
 * folder `cdktf.out/<environment>`, so deploys of different environments never share files.
 */
import * as fs from "fs";
import * as path from "path";
import { run } from "../lib/process";

export const OUTDIR = "cdktf.out";

export function environmentOutdir(root: string, environment: string): string {
  return path.join(root, OUTDIR, environment);
}

export function stackDir(root: string, environment: string, stack: string): string {
  return path.join(environmentOutdir(root, environment), "stacks", stack);
}

export interface SynthResult {
  readonly ok: boolean;
  /** What the app printed: configuration warnings and errors, notes. */
  readonly output: string;
  readonly seconds: number;
}

export async function synth(root: string, environment: string, env: NodeJS.ProcessEnv): Promise<SynthResult> {
  fs.mkdirSync(environmentOutdir(root, environment), { recursive: true });
  const result = await run(process.execPath, ["--require", "sucrase/register/ts", "main.ts"], {
    cwd: root,
    env: {
      ...env,
      CHECKPOINT_DISABLE: "1",
      SYNTH_ONLY: environment,
      CDKTF_OUTDIR: environmentOutdir(root, environment),
    },
  });
  return { ok: result.code === 0, output: result.output, seconds: result.seconds };
}
