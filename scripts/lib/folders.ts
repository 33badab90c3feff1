/**
 * Whether a folder a command is about to make (with its parents) and write into can be one: looked
 * at before any work, so a file or a dangling link in the way is refused with the setting that
 * names it, instead of failing half-way (ENOTDIR, EEXIST) after a dump or a plan was made.
 */
import * as fs from "fs";
import * as path from "path";

/** What is at `p`, when it is there and not a directory (links followed); `undefined` otherwise. */
export function notADirectory(p: string): string | undefined {
  const look = (f: () => fs.Stats | undefined) => {
    try {
      return f();
    } catch {
      return undefined; // ENOTDIR: a parent is no directory (found on the way up)
    }
  };
  const link = look(() => fs.lstatSync(p, { throwIfNoEntry: false }));
  if (!link) return undefined;
  const st = look(() => fs.statSync(p, { throwIfNoEntry: false }));
  if (!st) return `a link to ${JSON.stringify(fs.readlinkSync(p))}, which does not exist`;
  if (st.isDirectory()) return undefined;
  const what = st.isFile()
    ? "a file"
    : st.isFIFO()
      ? "a named pipe"
      : st.isSocket()
        ? "a socket"
        : "a device";
  return `${what}, not a directory`;
}

/**
 * Why the folder `<base>/<sub>` cannot be made (with its parents) and written into, with the fix;
 * `undefined` when it can. `shown` is how the user gave `base` (`--to /mnt/backups`,
 * `PLAN_OUT_DIR=plans`), `fix` what to give instead. Looks only: makes nothing.
 */
export function folderProblem(shown: string, base: string, sub: string, fix: string): string | undefined {
  for (let p = path.join(base, sub); ; p = path.dirname(p)) {
    const what = notADirectory(p);
    if (what)
      return p === base
        ? `${shown} is ${what}; ${fix}`
        : `${shown}: ${p} is ${what}; ${fix}, or move ${p} away`;
    if (fs.existsSync(p)) {
      try {
        fs.accessSync(p, fs.constants.W_OK | fs.constants.X_OK);
      } catch {
        return `${shown}: ${p} is not writable by you; ${fix}, or make it writable`;
      }
      return undefined;
    }
    if (path.dirname(p) === p) return undefined;
  }
}
