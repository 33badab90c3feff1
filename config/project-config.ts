/**
 * The settings about the Django project (DJANGO_PROJECT_DIR and what builds and runs it), read and
 * checked against the project's files: a directory that does not exist, a settings module that is
 * not there, a Dockerfile that is missing, a command that does not parse are each reported with the
 * setting, its value and the fix.
 */
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_IGNORE, stackOwnIgnore } from "../constructs/build-context";
import { readAppVariables } from "./app-variables";
import { ProjectFacts, dockerfileStages, inspectProject, isModuleName, moduleFile } from "./django-project";
import { readSmallFile } from "./files";
import { Reader, shownValue } from "./reader";
import { AppSettings, ConfigInput, CustomRuntime, ProjectBuild, ProjectSettings } from "./types";

/** This repository: where DJANGO_PROJECT_DIR resolves when the input names no root. */
export const REPOSITORY_ROOT = path.resolve(__dirname, "..");

export interface ProjectContext {
  readonly settings: ProjectSettings;
  /** Undefined when the directory cannot be used (an error says why). */
  readonly facts?: ProjectFacts;
}

/**
 * DJANGO_PROJECT_DIR: resolved, inspected, and the ignore rules that apply to it: the stack's own
 * files inside it (SECRETS_DIR, BACKUP_DIR and, when the stack's root is the project or inside it,
 * `cdktf.out`, Terraform's state and the `.env` files), kept out whatever its `.dockerignore` says,
 * and the deny-list for a project without one.
 */
export function readProject(
  r: Reader,
  rootDir: string,
  stackDirs: { readonly secretsDir: string; readonly backupDir: string },
): ProjectContext {
  const dir = r.string("DJANGO_PROJECT_DIR");
  // the default is the sample project shipped with the stack: where a configuration is read from
  // another directory than this repository's (tests), and it has none of its own, that one
  const sample = path.join(REPOSITORY_ROOT, dir);
  const absDir =
    !r.raw("DJANGO_PROJECT_DIR") && !fs.existsSync(path.resolve(rootDir, dir)) && fs.existsSync(sample)
      ? sample
      : path.resolve(rootDir, dir);
  const stackIgnore = stackOwnIgnore(absDir, rootDir, [stackDirs.secretsDir, stackDirs.backupDir]);
  const facts = inspectProject(absDir);
  const settings: ProjectSettings = {
    dir,
    absDir,
    ignoreFile: typeof facts !== "string" && facts.ignoreFile,
    defaultIgnore: [...DEFAULT_IGNORE, ...stackIgnore.filter((d) => !DEFAULT_IGNORE.includes(d))],
    stackIgnore,
  };
  if (typeof facts === "string") {
    const got = r.raw("DJANGO_PROJECT_DIR");
    r.errors.push(
      `DJANGO_PROJECT_DIR must name the directory of a Django project, got ${shownValue(dir)}${got ? ` (set in ${got.source})` : " (the default)"}: ${facts}; point it at the directory that holds the project's manage.py, relative to ${rootDir} or absolute`,
    );
    return { settings };
  }
  return { settings, facts };
}

/** What each command setting looks like, for its messages. */
const COMMAND_EXAMPLES = {
  DJANGO_SERVE_COMMAND: '["gunicorn", "--bind", "0.0.0.0:8000", "mysite.wsgi"]',
  DJANGO_MIGRATE_COMMAND: '["python", "manage.py", "migrate", "--noinput"]',
} as const;

/** A command given as a JSON array of strings, or as words separated by spaces. */
function parseCommand(r: Reader, name: keyof typeof COMMAND_EXAMPLES): readonly string[] | undefined | null {
  const got = r.raw(name);
  if (!got) return undefined;
  const text = got.value.trim();
  if (text === "none") return null;
  if (text.startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((p) => typeof p === "string" && p)) {
      r.fail(name, got, `must be a JSON array of non-empty strings, e.g. ${COMMAND_EXAMPLES[name]}`);
      return undefined;
    }
    return parsed as string[];
  }
  if (/["'\\$`]/.test(text)) {
    r.fail(
      name,
      got,
      'is split on spaces only (no quotes, escapes or $): write it as a JSON array, e.g. ["sh", "-c", "..."]',
    );
    return undefined;
  }
  return text.split(/\s+/);
}

/** The build stages of a Dockerfile, or undefined when it cannot be read (another message says why). */
function stagesOf(file: string): string[] | undefined {
  try {
    return dockerfileStages(readSmallFile(file, 1024 * 1024));
  } catch {
    return undefined;
  }
}

const PATH_CHARS = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/;

/** The project settings of one environment: how its image is built and run. */
export function readProjectStack(
  r: Reader,
  input: ConfigInput,
  environment: string,
  project: ProjectContext,
): Pick<AppSettings, "build" | "custom" | "settingsModule" | "mediaUrl" | "migrateTimeout" | "variables"> {
  const where = `for environment "${environment}"`;
  const facts = project.facts;
  const dirShown = shownValue(project.settings.dir);

  // DJANGO_SETTINGS_MODULE: given (and present), or the one manage.py names
  const givenModule = r.string("DJANGO_SETTINGS_MODULE", (v) =>
    !isModuleName(v)
      ? "must be a dotted module name like mysite.settings"
      : facts && !moduleFile(facts.absDir, v)
        ? `must name a module of the project, but DJANGO_PROJECT_DIR=${dirShown} holds neither ${v.split(".").join("/")}.py nor ${v.split(".").join("/")}/__init__.py`
        : undefined,
  );
  const settingsModule = givenModule || facts?.settingsFromManagePy;

  // DJANGO_DOCKERFILE
  const choice = r.string("DJANGO_DOCKERFILE", (v) =>
    ["auto", "stack", "project"].includes(v) ||
    (!path.isAbsolute(v) && !v.split(/[\\/]/).includes("..") && v.trim() !== "")
      ? undefined
      : "must be auto, stack, project, or the path of a Dockerfile inside the project",
  );
  const target = r.string("DJANGO_BUILD_TARGET", (v) =>
    /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(v)
      ? undefined
      : "must be the name of a build stage (FROM ... AS <name>)",
  );
  let build: ProjectBuild;
  const dockerfileOf = (rel: string): ProjectBuild => ({
    kind: "project",
    dockerfile: rel,
    contract: rel === "Dockerfile" && facts !== undefined && facts.contract,
    target: target || undefined,
  });
  // auto: the project's Dockerfile when it keeps the contract, or when the stack's cannot wrap the
  // project (no manage.py to find its settings in) and it has one; else the stack's
  const wrappable = !facts || facts.managePy || givenModule !== "";
  const auto =
    choice === "auto" && facts !== undefined && (facts.contract || (!wrappable && facts.dockerfile));
  if (auto && !facts.contract) {
    r.warnings.push(
      `DJANGO_PROJECT_DIR=${dirShown} has no manage.py for the stack's Dockerfile to wrap: its own Dockerfile builds the app ${where} (set DJANGO_DOCKERFILE=stack and DJANGO_SETTINGS_MODULE to wrap it)`,
    );
  }
  if (choice === "project" || auto) {
    if (facts && !facts.dockerfile) {
      const got = r.raw("DJANGO_DOCKERFILE")!;
      r.fail(
        "DJANGO_DOCKERFILE",
        got,
        `asks for the project's Dockerfile, but DJANGO_PROJECT_DIR=${dirShown} has none at its root; name the one it has (a path inside the project), or use the stack's (DJANGO_DOCKERFILE=stack)`,
      );
    }
    build = dockerfileOf("Dockerfile");
  } else if (choice !== "auto" && choice !== "stack") {
    const rel = choice.split(path.sep).join("/");
    if (facts && !fs.existsSync(path.join(facts.absDir, rel))) {
      r.fail(
        "DJANGO_DOCKERFILE",
        r.raw("DJANGO_DOCKERFILE")!,
        `must be auto, stack, project, or the path of a Dockerfile inside DJANGO_PROJECT_DIR=${dirShown} (no such file there)`,
      );
    }
    build = dockerfileOf(rel);
  } else {
    if (facts && !facts.managePy && !givenModule) {
      r.errors.push(
        `DJANGO_PROJECT_DIR=${dirShown} holds no manage.py ${where}, so the stack cannot tell its settings module; point DJANGO_PROJECT_DIR at the directory with manage.py, or set DJANGO_SETTINGS_MODULE (e.g. mysite.settings)`,
      );
    } else if (facts && !settingsModule) {
      r.errors.push(
        `DJANGO_PROJECT_DIR=${dirShown}: its manage.py sets no DJANGO_SETTINGS_MODULE (no os.environ.setdefault("DJANGO_SETTINGS_MODULE", ...)) ${where}; set DJANGO_SETTINGS_MODULE to the project's settings module, e.g. mysite.settings`,
      );
    } else if (facts && settingsModule && !givenModule && !moduleFile(facts.absDir, settingsModule)) {
      r.errors.push(
        `DJANGO_PROJECT_DIR=${dirShown}: its manage.py names the settings module ${settingsModule}, which is not in the project ${where}; set DJANGO_SETTINGS_MODULE to the right one`,
      );
    }
    const deps = facts?.dependencies;
    if (deps && "problem" in deps) {
      r.errors.push(`DJANGO_PROJECT_DIR=${dirShown} ${deps.problem} (${where})`);
    }
    if (target) r.warnings.push(`DJANGO_BUILD_TARGET has no effect with the stack's Dockerfile ${where}`);
    build = {
      kind: "stack",
      settingsModule: settingsModule ?? "",
      dependencies: deps && !("problem" in deps) ? deps : { kind: "requirements", files: [] },
    };
  }

  // a target the Dockerfile has no stage of fails only when the image is built: refuse it now
  if (build.kind === "project" && build.target && facts) {
    const stages = stagesOf(path.join(facts.absDir, build.dockerfile));
    if (stages && !stages.includes(build.target.toLowerCase())) {
      const got = r.raw("DJANGO_BUILD_TARGET")!;
      const given = `DJANGO_BUILD_TARGET=${shownValue(build.target)} (set in ${got.source} ${where})`;
      const dockerfile = `${build.dockerfile} of DJANGO_PROJECT_DIR=${dirShown}`;
      r.errors.push(
        stages.length > 0
          ? `${given} names no build stage of ${dockerfile}, whose stages are ${stages.join(", ")}; set it to one of them, or unset it to build the last stage`
          : `${given} names no build stage: ${dockerfile} names none (no FROM ... AS <name>); unset it to build the last stage, or name the stage in the Dockerfile`,
      );
    }
  }

  // how an image that is not the stack's is run
  const serveCommand = parseCommand(r, "DJANGO_SERVE_COMMAND");
  const migrateCommand = parseCommand(r, "DJANGO_MIGRATE_COMMAND");
  const healthPath = r.string("APP_HEALTH_PATH", (v) =>
    PATH_CHARS.test(v) ? undefined : "must be a URL path starting with /, e.g. / or /health/",
  );
  const port = r.int("APP_CONTAINER_PORT");
  const runsAsItIs = build.kind === "project" && !build.contract;
  let custom: CustomRuntime | undefined;
  if (runsAsItIs) {
    custom = {
      serveCommand: serveCommand ?? undefined,
      migrateCommand: migrateCommand ?? undefined,
      port,
      healthPath,
    };
    if (migrateCommand === undefined) {
      r.warnings.push(
        `DJANGO_MIGRATE_COMMAND is not set ${where}: with the project's own Dockerfile the stack runs no migrations; set it (e.g. python manage.py migrate --noinput), or to none if the image migrates by itself`,
      );
    }
  } else {
    for (const name of [
      "DJANGO_SERVE_COMMAND",
      "DJANGO_MIGRATE_COMMAND",
      "APP_HEALTH_PATH",
      "APP_CONTAINER_PORT",
    ]) {
      if (r.raw(name))
        r.warnings.push(
          `${name} has no effect ${where}: it applies to a project's own Dockerfile that does not follow the stack's image contract (DJANGO_DOCKERFILE=project)`,
        );
    }
  }

  // media: on by default with the stack's Dockerfile
  const media = r.string("DJANGO_MEDIA_URL", (v) =>
    v === "off" || (PATH_CHARS.test(v) && v.endsWith("/") && v !== "/")
      ? ["/healthz/", "/readyz/"].includes(v)
        ? "must not be one of the health paths"
        : undefined
      : "must be a URL path with a leading and a trailing /, e.g. /media/, or off",
  );
  const mediaUrl = media
    ? media === "off"
      ? undefined
      : media
    : build.kind === "stack"
      ? "/media/"
      : undefined;

  const { variables, errors } = readAppVariables(input, environment);
  r.errors.push(...errors);
  return {
    build,
    custom,
    settingsModule: givenModule || undefined,
    mediaUrl,
    migrateTimeout: r.int("APP_MIGRATE_TIMEOUT"),
    variables,
  };
}
