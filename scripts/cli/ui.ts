/**
 * Terminal output: colour only on a terminal (and never with NO_COLOR), one line per event, no
 * cursor movement, so the same output reads well in a terminal, in CI logs and through `| tee`.
 */
import { stripVTControlCharacters } from "util";

const tty = process.stderr.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== "dumb";

const paint = (code: number) => (text: string) => (tty ? `\x1b[${code}m${text}\x1b[0m` : text);
export const bold = paint(1);
export const dim = paint(2);
export const red = paint(31);
export const green = paint(32);
export const yellow = paint(33);

/** Whether stdin and stderr are a terminal a person answers at. */
export function interactive(): boolean {
  return process.stdin.isTTY === true && process.stderr.isTTY === true;
}

export function line(text = ""): void {
  process.stderr.write(`${text}\n`);
}

/** Text from a program (logs, build output): colour codes kept only on a terminal. */
export function programText(text: string): string {
  return tty ? text : stripVTControlCharacters(text);
}

/** The last `n` lines of a text, indented, without trailing blank lines. */
export function tail(text: string, n = 40, indent = "    "): string {
  const lines = programText(text).replace(/\r/g, "").split("\n");
  while (lines.length > 0 && lines[lines.length - 1].trim() === "") lines.pop();
  return lines
    .slice(-n)
    .map((l) => `${indent}${l}`)
    .join("\n");
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
