/**
 * What the stack needs to know of a Django project it did not write (DJANGO_PROJECT_DIR), read from
 * its files: the settings module its manage.py names, the files its dependencies are listed in, its
 * own Dockerfile and whether that declares the stack's image contract, its `.dockerignore`.
 *
 * The only file reads of the configuration besides `.env` and the secret files; everything here
 * reads, nothing writes.
 */
import * as fs from "fs";
import * as path from "path";
import { quoted } from "../constructs/quote";

/** How a project lists its dependencies, in the order the stack's image prefers them. */
export type DependencyKind = "uv" | "poetry" | "requirements" | "pyproject";

export interface Dependencies {
  readonly kind: DependencyKind;
  /** The files the install reads, relative to the project (posix): what the image build receives. */
  readonly files: readonly string[];
}

export interface ProjectFacts {
  readonly absDir: string;
  readonly managePy: boolean;
  /** The module manage.py sets as DJANGO_SETTINGS_MODULE. */
  readonly settingsFromManagePy?: string;
  /** A `Dockerfile` at the project's root. */
  readonly dockerfile: boolean;
  /** That Dockerfile says it follows the stack's image contract (`LABEL django-cdktf.contract=1`). */
  readonly contract: boolean;
  /** The project has a `.dockerignore` of its own. */
  readonly ignoreFile: boolean;
  /** Where its dependencies are listed, or why they cannot be used. */
  readonly dependencies: Dependencies | { readonly problem: string };
}

const MODULE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** The module a manage.py sets (`os.environ.setdefault("DJANGO_SETTINGS_MODULE", "...")`). */
export function settingsModuleOf(managePy: string): string | undefined {
  const m =
    /os\.environ\.setdefault\(\s*["']DJANGO_SETTINGS_MODULE["']\s*,\s*["']([^"']+)["']\s*,?\s*\)/.exec(
      managePy,
    ) ?? /os\.environ\[\s*["']DJANGO_SETTINGS_MODULE["']\s*\]\s*=\s*["']([^"']+)["']/.exec(managePy);
  return m && MODULE.test(m[1]) ? m[1] : undefined;
}

/** Whether a Dockerfile declares the stack's image contract. */
export function declaresContract(dockerfile: string): boolean {
  return /^\s*LABEL\s.*\bdjango-cdktf\.contract\s*=\s*["']?1["']?(\s|$)/m.test(dockerfile);
}

/**
 * The names of a Dockerfile's build stages (`FROM <image> AS <name>`), in lower case as Docker
 * compares them (`--target Builder` builds the stage `builder`), in order. Lines continued with a
 * trailing backslash are joined first; comment lines are skipped.
 */
export function dockerfileStages(dockerfile: string): string[] {
  const lines = dockerfile
    .replace(/\\[ \t]*\r?\n/g, " ")
    .split(/\r?\n/)
    .filter((l) => !/^\s*#/.test(l));
  const stages: string[] = [];
  for (const line of lines) {
    const m = /^\s*FROM\s+(?:--\S+\s+)*\S+\s+AS\s+(\S+)\s*$/i.exec(line);
    if (m) stages.push(m[1].toLowerCase());
  }
  return stages;
}

/** Whether `module` is a valid dotted name. */
export function isModuleName(module: string): boolean {
  return MODULE.test(module);
}

/** The file of a module inside the project (`a/b.py` or `a/b/__init__.py`), relative, or undefined. */
export function moduleFile(absDir: string, module: string): string | undefined {
  const base = module.split(".").join("/");
  return [`${base}.py`, `${base}/__init__.py`].find((rel) => fs.existsSync(path.join(absDir, rel)));
}

const INCLUDE = /^\s*(?:-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+)(\S+)/;
const LOCAL = /^\s*(?:(?:-e|--editable)\s+)?(?:\.{1,2}[/\\]|\/|file:|\.\s*$)/;

/**
 * requirements.txt and every file it includes (`-r`, `-c`), relative to the project; or the first
 * line that installs a local path, which the image's dependency step (which has only these files)
 * cannot install.
 */
export function requirementFiles(absDir: string, rel = "requirements.txt"): string[] | { problem: string } {
  const files: string[] = [];
  const visit = (file: string): string | undefined => {
    if (files.includes(file)) return undefined;
    const abs = path.join(absDir, file);
    if (!fs.existsSync(abs) || !fs.statSync(abs).isFile()) {
      return `${files[files.length - 1] ?? rel} includes ${file}, which does not exist`;
    }
    files.push(file);
    const lines = fs.readFileSync(abs, "utf8").split(/\r?\n/);
    for (const [i, line] of lines.entries()) {
      const text = line.replace(/(^|\s)#.*$/, "").trim();
      if (!text) continue;
      const include = INCLUDE.exec(text);
      if (include) {
        const next = path.posix.normalize(path.posix.join(path.posix.dirname(file), include[1]));
        if (next.startsWith("../") || path.isAbsolute(include[1])) {
          return `${file} line ${i + 1} includes ${include[1]}, outside the project`;
        }
        const problem = visit(next);
        if (problem) return problem;
      } else if (LOCAL.test(text)) {
        return `${file} line ${i + 1} installs a local path (${quoted(text)}), which the image's dependency step does not have (it installs before the project is copied in); name the package instead, or build with the project's own Dockerfile (DJANGO_DOCKERFILE=project)`;
      }
    }
    return undefined;
  };
  const problem = visit(rel);
  return problem ? { problem } : files;
}

/** Where the project lists its dependencies, by the image's order of preference. */
export function findDependencies(absDir: string): Dependencies | { problem: string } {
  const has = (rel: string) => fs.existsSync(path.join(absDir, rel));
  if (has("pyproject.toml") && has("uv.lock")) return { kind: "uv", files: ["pyproject.toml", "uv.lock"] };
  if (has("pyproject.toml") && has("poetry.lock"))
    return { kind: "poetry", files: ["pyproject.toml", "poetry.lock"] };
  if (has("requirements.txt")) {
    const files = requirementFiles(absDir);
    return Array.isArray(files) ? { kind: "requirements", files } : files;
  }
  if (has("pyproject.toml")) return { kind: "pyproject", files: ["pyproject.toml"] };
  return {
    problem:
      "holds no requirements.txt, pyproject.toml (with uv.lock or poetry.lock, or [project].dependencies); the image would not know what to install. Add a requirements.txt listing the project's packages (e.g. Django==5.2.19)",
  };
}

/** Reads the facts of the project at `absDir`; a string says why it is not a usable directory. */
export function inspectProject(absDir: string): ProjectFacts | string {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(absDir);
  } catch {
    return `${absDir} does not exist`;
  }
  if (!stat.isDirectory()) return `${absDir} is not a directory`;
  const read = (rel: string) => {
    const abs = path.join(absDir, rel);
    return fs.existsSync(abs) && fs.statSync(abs).isFile() ? fs.readFileSync(abs, "utf8") : undefined;
  };
  const manage = read("manage.py");
  const dockerfile = read("Dockerfile");
  return {
    absDir,
    managePy: manage !== undefined,
    settingsFromManagePy: manage === undefined ? undefined : settingsModuleOf(manage),
    dockerfile: dockerfile !== undefined,
    contract: dockerfile !== undefined && declaresContract(dockerfile),
    ignoreFile: fs.existsSync(path.join(absDir, ".dockerignore")),
    dependencies: findDependencies(absDir),
  };
}
