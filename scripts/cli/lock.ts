/**
 * One lock per environment around synth and apply, so two deploys of one environment never share
 * its output folder or interleave their applies. A lock whose process is gone is taken over.
 */
import * as fs from "fs";
import * as path from "path";

export class LockHeld extends Error {}

/** Whether a process with this pid exists (ours to signal or not). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes `<dir>/<environment>.lock`; returns the release function. */
export function acquire(dir: string, environment: string, command: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${environment}.lock`);
  const body = JSON.stringify({ pid: process.pid, command, since: new Date().toISOString() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, body, { flag: "wx" });
      const release = () => {
        try {
          if (JSON.parse(fs.readFileSync(file, "utf8")).pid === process.pid) fs.rmSync(file);
        } catch {
          // already gone
        }
      };
      process.once("exit", release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      let holder: { pid?: number; command?: string; since?: string } = {};
      try {
        holder = JSON.parse(fs.readFileSync(file, "utf8"));
      } catch {
        // a half-written lock: treat as stale
      }
      if (holder.pid && alive(holder.pid) && holder.pid !== process.pid) {
        throw new LockHeld(
          `environment "${environment}" is locked by another run (pid ${holder.pid}, \`${holder.command}\`, since ${holder.since}); wait for it to finish, or remove ${path.relative(process.cwd(), file)} if that process is gone`,
        );
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new LockHeld(`could not take the lock ${file}`);
}
