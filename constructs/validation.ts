/**
 * Props checks for the library's constructs, in the style of aws-cdk: each construct registers its
 * checks with `node.addValidation`, and every failure names the construct path, the prop, the value
 * and the fix. Values that are unresolved tokens are skipped: they are only known at apply time.
 */
import { IConstruct } from "constructs";
import { Token } from "cdktf";
import { isUnpinnedImage, parseImageReference } from "./image-reference";
import { quoted } from "./quote";

/** A check of one prop: `undefined` when fine, else what is wrong with it. */
export type Problem = string | undefined;

export interface PropCheck {
  /** The prop's name as the user wrote it, e.g. `memoryMb`. */
  readonly prop: string;
  readonly value: unknown;
  /** What is wrong (e.g. "must be a whole number from 1 to 65535"), or undefined. */
  readonly problem: Problem;
  /** What to do about it. */
  readonly fix: string;
}

function show(value: unknown): string {
  return typeof value === "string" ? quoted(value) : String(value);
}

/** Registers the checks; they run at synth, after every prop is final. */
export function validateProps(scope: IConstruct, checks: () => readonly (PropCheck | undefined)[]): void {
  scope.node.addValidation({
    validate: () =>
      checks()
        .filter(
          (c): c is PropCheck => c !== undefined && c.problem !== undefined && !Token.isUnresolved(c.value),
        )
        .map((c) => `${scope.node.path}: ${c.prop} ${c.problem}, got ${show(c.value)}; ${c.fix}`),
  });
}

/** Container, volume and network names: what the Docker engine accepts. */
export function dockerNameProblem(value: string): Problem {
  return /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/.test(value)
    ? undefined
    : "must be a Docker object name (letters, digits, '_', '.', '-'; starting with a letter or digit; at most 128 characters)";
}

export function wholeNumberProblem(value: number, min: number, max: number): Problem {
  return Number.isInteger(value) && value >= min && value <= max
    ? undefined
    : `must be a whole number from ${min} to ${max}`;
}

/** An image reference with a tag other than `latest`, or a digest. */
export function pinnedImageProblem(value: string): Problem {
  if (!parseImageReference(value)) return "must be an image reference like postgres:17";
  return isUnpinnedImage(value) ? "must carry a tag other than latest, or a digest" : undefined;
}

/** A PostgreSQL identifier that needs no quoting (role and database names). */
export function pgIdentifierProblem(value: string): Problem {
  return /^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(value)
    ? undefined
    : "must be letters, digits and '_', starting with a letter or '_', at most 63 characters";
}

/** A role name PostgreSQL lets a user create: an identifier, not in its reserved `pg_` namespace. */
export function pgRoleProblem(value: string): Problem {
  return (
    pgIdentifierProblem(value) ??
    (/^pg_/i.test(value) ? "must not start with pg_ (PostgreSQL reserves those role names)" : undefined)
  );
}

/** A name other containers resolve on a network (a DNS label). */
export function dnsLabelProblem(value: string): Problem {
  return /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(value)
    ? undefined
    : "must be a DNS label: lower case letters, digits and '-'";
}

/** What a prop holds, as `checkPropShapes` tells them apart. */
export type PropKind = "string" | "number" | "boolean" | "object" | "array";

const KIND_TEXT: Record<PropKind, string> = {
  string: "a string",
  number: "a number",
  boolean: "true or false",
  object: "an object",
  array: "an array",
};

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return "array";
  return value === null ? "null" : typeof value;
}

function shownShape(value: unknown): string {
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "an array";
  if (value !== null && typeof value === "object") return "an object";
  return show(value);
}

/**
 * What a construct reads while it is built, checked first: `validateProps`' checks run later, at
 * synth, and a prop of the wrong shape (from JavaScript, or through `as any`) would otherwise stop
 * the construct with a TypeError from inside it, or name Docker objects "undefined-...". Each
 * required prop (a dotted path for a nested one) must hold its kind; each optional one, where
 * given. One error names every problem.
 */
export function checkPropShapes(
  scope: IConstruct,
  what: string,
  props: unknown,
  required: Readonly<Record<string, PropKind>>,
  optional: Readonly<Record<string, PropKind>> = {},
): void {
  if (props === null || typeof props !== "object" || Array.isArray(props)) {
    throw new Error(
      `${scope.node.path}: ${what} needs its props (an object, see ${what}Props), got ${shownShape(props)}`,
    );
  }
  const at = (dotted: string): unknown =>
    dotted
      .split(".")
      .reduce<unknown>(
        (v, key) => (v !== null && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined),
        props,
      );
  const problems: string[] = [];
  for (const [name, kind] of Object.entries(required)) {
    const value = at(name);
    if (kindOf(value) !== kind) problems.push(`${name} must be ${KIND_TEXT[kind]}, got ${shownShape(value)}`);
  }
  for (const [name, kind] of Object.entries(optional)) {
    const value = at(name);
    if (value !== undefined && kindOf(value) !== kind)
      problems.push(`${name} must be ${KIND_TEXT[kind]} when given, got ${shownShape(value)}`);
  }
  if (problems.length > 0)
    throw new Error(`${scope.node.path}: ${what}: ${problems.join("; ")} (see ${what}Props)`);
}
