/**
 * The shared entry point's settings: one proxy of the project on SHARED_HTTP_PORT/SHARED_HTTPS_PORT
 * that serves every environment with ENTRY_POINT=shared by its host name (stack `entry`). Pure, like
 * build-config.ts, which calls it: the environments' own settings are read there.
 */
import { isIP } from "net";
import { Check, Reader, shownValue } from "./reader";
import { defaultOf, rangeOf } from "./settings";
import { EntryConfig, EntrySite, StackConfig } from "./types";

/** The name of the shared entry point's stack, output folder, state and lock; no environment may take it. */
export const ENTRY_NAME = "entry";

/** The project-wide settings of the entry point, read once. */
export interface EntrySettings {
  readonly image: string;
  readonly bindAddress: string;
  readonly httpPort: number;
  readonly httpsPort: number;
  /** What is wrong with PROXY_IMAGE, reported with the entry point's problems (each environment reports its own). */
  readonly imageProblem?: string;
}

/** Reads SHARED_* and the PROXY_IMAGE of `.env` or the process environment (a global reader). */
export function readEntrySettings(r: Reader, imageCheck: Check): EntrySettings {
  const image = r.raw("PROXY_IMAGE");
  const problem = image ? imageCheck(image.value.trim()) : undefined;
  return {
    image: image && !problem ? image.value.trim() : defaultOf<string>("PROXY_IMAGE", "string"),
    imageProblem:
      image && problem
        ? `PROXY_IMAGE ${problem}, got ${shownValue(image.value.trim())} (set in ${image.source}; the shared entry point runs it)`
        : undefined,
    bindAddress: r.string("SHARED_BIND_ADDRESS", (v) =>
      isIP(v) ? undefined : "must be an IP address of the Docker host, e.g. 127.0.0.1 or 0.0.0.0",
    ),
    httpPort: r.int("SHARED_HTTP_PORT"),
    httpsPort: r.int("SHARED_HTTPS_PORT"),
  };
}

/** A whole-number global setting read through an environment's reader, without reporting it twice. */
function quietInt(r: Reader, name: string): number {
  const [min, max] = rangeOf(name);
  const value = r.raw(name)?.value.trim() ?? "";
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : defaultOf<number>(name, "number");
}

/**
 * ENTRY_POINT of one environment. Shared, its HTTPS port is the entry point's (for the URL and the
 * CSRF origin), and the settings of its own published ports no longer apply.
 */
export function readEntryPoint(
  r: Reader,
  environment: string,
): { readonly entryPoint: "own" | "shared"; readonly httpsPort?: number } {
  const entryPoint = r.string("ENTRY_POINT", (v) =>
    ["own", "shared"].includes(v) ? undefined : "must be own or shared",
  ) as "own" | "shared";
  if (entryPoint === "own") return { entryPoint };
  for (const name of ["APP_PORT", "APP_HTTPS_PORT", "APP_BIND_ADDRESS"]) {
    const got = r.raw(name);
    if (got) {
      r.warnings.push(
        `${name} (set in ${got.source}) has no effect with ENTRY_POINT=shared for environment "${environment}": the shared entry point publishes SHARED_HTTP_PORT and SHARED_HTTPS_PORT on SHARED_BIND_ADDRESS; remove it, or set ENTRY_POINT=own`,
      );
    }
  }
  return { entryPoint, httpsPort: quietInt(r, "SHARED_HTTPS_PORT") };
}

/** The entry point as the stacks build it: the shared environments that can be routed to. */
export function entryConfig(
  projectName: string,
  settings: EntrySettings,
  stacks: readonly StackConfig[],
): EntryConfig {
  const sites: EntrySite[] = [];
  for (const s of stacks) {
    const tls = s.proxy.tls;
    const routable = s.proxy.entryPoint === "shared" && s.proxy.enabled && !s.swarm;
    if (!routable || !s.proxy.domain || tls.mode === "files") continue;
    sites.push({ environment: s.environment, namePrefix: s.namePrefix, domain: s.proxy.domain, tls });
  }
  return { projectName, ...settings, sites };
}

const EVERYWHERE = ["0.0.0.0", "::"];

/**
 * What must hold when the entry point is built or an environment it serves is deployed: every
 * shared environment can be routed to by a host name of its own, and no environment's own port is
 * one of the entry point's.
 */
export function entryProblems(settings: EntrySettings, stacks: readonly StackConfig[]): string[] {
  const problems: string[] = [];
  const shared = stacks.filter((s) => s.proxy.entryPoint === "shared");
  if (shared.length === 0) return problems;
  const users = shared.map((s) => `"${s.environment}"`).join(", ");
  if (settings.imageProblem) problems.push(settings.imageProblem);
  if (settings.httpPort === settings.httpsPort) {
    problems.push(
      `SHARED_HTTPS_PORT and SHARED_HTTP_PORT are both ${settings.httpPort}; give the shared entry point's HTTPS its own port (443 for a public site, HTTP on 80)`,
    );
  }
  if (stacks.some((s) => s.environment === ENTRY_NAME)) {
    problems.push(
      `ENVIRONMENTS lists "${ENTRY_NAME}", which is the name of the shared entry point's stack (used by ${users} with ENTRY_POINT=shared); rename that environment`,
    );
  }
  const byDomain = new Map<string, string>();
  for (const s of shared) {
    const where = `for environment "${s.environment}"`;
    // DEPLOY_TARGET=swarm with ENTRY_POINT=shared is refused where Swarm is read (swarm-config.ts)
    if (s.swarm) continue;
    if (!s.proxy.enabled) {
      problems.push(
        `ENTRY_POINT=shared ${where} needs the environment's proxy, but PROXY=false; set PROXY=true, or ENTRY_POINT=own (a proxy of your own then reaches the app on the frontend network)`,
      );
      continue;
    }
    if (!s.proxy.domain) {
      problems.push(
        `ENTRY_POINT=shared ${where} needs DOMAIN: the shared entry point routes by host name; set DOMAIN to the environment's own host name in .env.${s.environment} (e.g. DOMAIN=${s.environment}.example.com)`,
      );
      continue;
    }
    if (s.proxy.tls.mode === "files") {
      problems.push(
        `TLS_MODE=files cannot be used with ENTRY_POINT=shared ${where}: TLS ends at the shared entry point, which reads no environment's certificate files; use TLS_MODE=acme (a public host name) or TLS_MODE=internal, or ENTRY_POINT=own to serve your certificate from the environment's own proxy`,
      );
    }
    const other = byDomain.get(s.proxy.domain);
    if (other) {
      problems.push(
        `DOMAIN ${s.proxy.domain} is used by environments "${other}" and "${s.environment}", which share the entry point (ENTRY_POINT=shared); give each its own host name (DOMAIN in .env.${s.environment})`,
      );
    } else byDomain.set(s.proxy.domain, s.environment);
  }
  problems.push(...entryPortClashes(settings, stacks));
  return problems;
}

/** The host ports an environment's own proxy publishes that the entry point publishes too. */
export function portsShared(
  settings: EntrySettings,
  stack: StackConfig,
): { readonly setting: string; readonly entrySetting: string; readonly port: number }[] {
  if (!stack.proxy.enabled || stack.proxy.entryPoint === "shared") return [];
  const sameAddress =
    stack.app.bindAddress === settings.bindAddress ||
    EVERYWHERE.includes(stack.app.bindAddress) ||
    EVERYWHERE.includes(settings.bindAddress);
  if (!sameAddress) return [];
  const own = [{ setting: "APP_PORT", port: stack.app.port }];
  if (stack.proxy.domain) own.push({ setting: "APP_HTTPS_PORT", port: stack.proxy.httpsPort });
  const entry = [
    { entrySetting: "SHARED_HTTP_PORT", port: settings.httpPort },
    { entrySetting: "SHARED_HTTPS_PORT", port: settings.httpsPort },
  ];
  return own.flatMap((o) =>
    entry
      .filter((e) => e.port === o.port)
      .map((e) => ({ setting: o.setting, entrySetting: e.entrySetting, port: o.port })),
  );
}

/**
 * Environments with their own ports that want one of the entry point's, while some environment
 * uses the entry point (checked for every environment deployed, whichever its ENTRY_POINT).
 */
export function entryPortClashes(
  settings: EntrySettings,
  stacks: readonly StackConfig[],
  /** Which environments' ports to check. @default every one */
  wanted: (environment: string) => boolean = () => true,
): string[] {
  const shared = stacks.filter((s) => s.proxy.entryPoint === "shared");
  if (shared.length === 0) return [];
  const users = shared.map((s) => `"${s.environment}"`).join(", ");
  return stacks
    .filter((s) => wanted(s.environment))
    .flatMap((s) =>
      portsShared(settings, s).map(
        (c) =>
          `port ${c.port} is ${c.entrySetting} of the shared entry point (used by ${users}) and ${c.setting} of environment "${s.environment}"; give each its own port (${c.entrySetting} in .env, or ${c.setting} in .env.${s.environment})`,
      ),
    );
}
