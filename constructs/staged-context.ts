import * as fs from "fs";
import * as path from "path";
import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { addCustomSynthesis } from "cdktf/lib/synthesize/synthesizer";
import { ContextEntry, entriesHash } from "./build-context";
import { checkPropShapes, validateProps } from "./validation";

export interface StagedContextProps {
  /** The files of the context: each copied from an absolute path to a posix path inside it. */
  readonly entries: readonly ContextEntry[];
}

const DIRECTORY = "contexts";

/**
 * A Docker build context the stack assembles: exactly the listed files, copied at synth into the
 * stack's working directory (`contexts/<id>/`), like a `TerraformAsset` but filtered, so that a
 * project's `.env`, virtualenv or `.git` never reach the daemon, and files of several places (the
 * project, the stack's Dockerfile and settings overlay) form one context. Its path is relative to
 * the stack's working directory and its hash covers names, executable bits and contents, so the
 * synthesized JSON is the same on every machine. Unchanged contents are not copied again.
 */
export class StagedContext extends Construct {
  /** Hex SHA-256 of the entries (`entriesHash`). */
  readonly hash: string;
  /** Where Terraform finds the context: relative to the stack's working directory. */
  readonly path: string;
  /** The files of the context. */
  readonly entries: readonly ContextEntry[];

  constructor(scope: Construct, id: string, props: StagedContextProps) {
    super(scope, id);
    checkPropShapes(this, "StagedContext", props, { entries: "array" });
    const stack = TerraformStack.of(this);
    this.entries = props.entries;
    this.path = `${DIRECTORY}/${stack.getLogicalId(this.node)}`;
    const targets = props.entries.map((e) => e.to);
    let problem: string | undefined;
    try {
      this.hash = entriesHash(props.entries);
    } catch (e) {
      this.hash = "0".repeat(64);
      problem = (e as Error).message;
    }
    validateProps(this, () => [
      {
        prop: "entries",
        value: props.entries.length,
        problem,
        fix: "list files that exist",
      },
      ...props.entries.map((e, i) => ({
        prop: `entries[${i}].to`,
        value: e.to,
        problem:
          e.to === "" || e.to.startsWith("/") || e.to.split("/").includes("..")
            ? "must be a relative path inside the context"
            : targets.indexOf(e.to) !== i
              ? "is given twice"
              : undefined,
        fix: "give each file its own relative path, e.g. app/manage.py",
      })),
    ]);
    addCustomSynthesis(this, {
      onSynthesize: (session) => {
        const stackDir = path.join(
          session.manifest.outdir,
          session.manifest.forStack(stack).workingDirectory,
        );
        stage(path.join(stackDir, this.path), this.hash, props.entries);
      },
    });
  }
}

/** Copies the entries into `dir` (replacing what was there), unless it already holds this hash. */
export function stage(dir: string, hash: string, entries: readonly ContextEntry[]): void {
  const marker = `${dir}.sha256`;
  if (fs.existsSync(dir) && fs.existsSync(marker) && fs.readFileSync(marker, "utf8") === hash) return;
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  for (const { from, to } of entries) {
    const target = path.join(tmp, ...to.split("/"));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const stat = fs.lstatSync(from);
    if (stat.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), target);
    else {
      fs.copyFileSync(from, target);
      fs.chmodSync(target, stat.mode & 0o777);
    }
  }
  fs.mkdirSync(tmp, { recursive: true });
  fs.rmSync(marker, { force: true });
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
  fs.writeFileSync(marker, hash);
}
