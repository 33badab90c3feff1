/**
 * Reading files a user points at (`.env` files, `*_FILE` secrets) without hanging or running out of
 * memory: only regular files, read with a size cap. A FIFO, a device, a directory or an endless file
 * under /proc is refused at once, with a message that says what it is.
 */
import * as fs from "fs";

export class FileProblem extends Error {}

function kind(stat: fs.Stats): string {
  if (stat.isDirectory()) return "a directory";
  if (stat.isFIFO()) return "a named pipe";
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return "a device";
  if (stat.isSocket()) return "a socket";
  return "not a regular file";
}

/** The text of a regular file of at most `maxBytes`; throws FileProblem saying why not. */
export function readSmallFile(file: string, maxBytes: number): string {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FileProblem(code === "ENOENT" ? "it does not exist" : `${code ?? "error"}`);
  }
  if (!stat.isFile()) throw new FileProblem(`it is ${kind(stat)}, not a file`);
  if (/^\/(proc|sys|dev)\//.test(fs.realpathSync(file)))
    throw new FileProblem("it is a kernel file, not a file of yours");
  if (stat.size > maxBytes)
    throw new FileProblem(`it is ${stat.size} bytes, more than the ${maxBytes} allowed`);
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FileProblem(
      code === "EACCES" ? "it is not readable by you (permission denied)" : `${code ?? "error"}`,
    );
  }
  try {
    const buffer = Buffer.alloc(maxBytes + 1);
    const read = fs.readSync(fd, buffer, 0, buffer.length, 0);
    if (read > maxBytes) throw new FileProblem(`it is more than the ${maxBytes} bytes allowed`);
    return buffer.subarray(0, read).toString("utf8");
  } finally {
    fs.closeSync(fd);
  }
}
