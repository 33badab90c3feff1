/**
 * Changes a deploy cannot apply to an existing database, refused before anything is planned: a new
 * role or database name (the data volume keeps the old ones; the image only creates them on first
 * start) and a new PostgreSQL major version (its files need a dump and restore).
 */
import * as fs from "fs";
import * as path from "path";
import { execDocker, execDockerOk } from "../lib/docker";
import { ADMIN_ROLE, BOOTSTRAP_ROLE } from "../../constructs/contracts";
import { CommandFailed } from "./errors";

interface DatabaseSpec {
  readonly container: string;
  readonly volume: string;
  readonly image: string;
  /** The role that owns the database (DATABASE_USERNAME). */
  readonly user: string;
  readonly database: string;
}

/** The database as the synthesized stack declares it. */
export function databaseSpec(dir: string): DatabaseSpec | undefined {
  const config = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8"));
  const containers = Object.values(
    (config.resource?.docker_container ?? {}) as Record<string, Record<string, unknown>>,
  );
  const db = containers.find((c) =>
    ((c.labels ?? []) as { label: string; value: string }[]).some(
      (l) => l.label === "django-cdktf.role" && l.value === "database",
    ),
  );
  if (!db) return undefined;
  const env = (db.env ?? []) as string[];
  const value = (name: string) => env.find((e) => e.startsWith(`${name}=`))?.slice(name.length + 1) ?? "";
  // the owner is the roles one-shot's business: it names it on its command line
  const roles = containers.find((c) =>
    ((c.command ?? []) as string[]).some((line) => / -v owner=/.test(line)),
  ) as { command?: string[] } | undefined;
  const owner = /-v owner=(\S+)/.exec((roles?.command ?? []).join("\n"))?.[1];
  const volumes = (db.volumes ?? []) as { volume_name: string; container_path: string }[];
  const images = Object.values(
    (config.resource?.docker_image ?? {}) as Record<string, { name: string; build?: unknown }>,
  );
  // a volume the stack manages (DELETE_DATA_ON_DESTROY=true) is a reference to its resource
  const volumeName = (ref: string) => {
    const m = /^\$\{docker_volume\.([\w-]+)\.name\}$/.exec(ref);
    return m ? String(config.resource?.docker_volume?.[m[1]]?.name ?? ref) : ref;
  };
  return {
    container: String(db.name),
    volume: volumeName(
      volumes.find((v) => v.container_path === "/var/lib/postgresql/data")?.volume_name ?? "",
    ),
    image: images.find((i) => !i.build && /postgres/i.test(i.name))?.name ?? "",
    user: owner ?? value("POSTGRES_USER"),
    database: value("POSTGRES_DB"),
  };
}

function envOf(container: string): Record<string, string> {
  const lines = execDocker(["inspect", "-f", "{{range .Config.Env}}{{println .}}{{end}}", container]).split(
    "\n",
  );
  return Object.fromEntries(
    lines
      .filter((l) => l.includes("="))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
}

function majorOfImage(image: string): string | undefined {
  if (!execDockerOk(["image", "inspect", image])) return undefined; // pulled at apply; checked then by the server
  const env = execDocker(["image", "inspect", "-f", "{{range .Config.Env}}{{println .}}{{end}}", image]);
  return /^PG_MAJOR=(\d+)/m.exec(env)?.[1];
}

export function checkDataCompatibility(dir: string): void {
  const spec = databaseSpec(dir);
  if (!spec || !spec.volume || !execDockerOk(["volume", "inspect", spec.volume])) return; // a first deploy
  const problems: string[] = [];
  const running = execDockerOk(["exec", spec.container, "true"]);
  let dataMajor: string | undefined;
  if (running) {
    dataMajor = execDocker(["exec", spec.container, "cat", "/var/lib/postgresql/data/PG_VERSION"]);
    // the administrator if it exists yet, else the superuser initdb made on volumes of earlier releases
    const old = envOf(spec.container);
    const admin = execDockerOk([
      "exec",
      spec.container,
      "psql",
      "-U",
      ADMIN_ROLE,
      "-d",
      "postgres",
      "-tAc",
      "SELECT 1",
    ])
      ? ADMIN_ROLE
      : old.POSTGRES_USER || "postgres";
    const query = (sql: string) =>
      execDocker(["exec", spec.container, "psql", "-U", admin, "-d", "postgres", "-tAc", sql]);
    const literal = (v: string) => `'${v.replace(/'/g, "''")}'`;
    const databases = query(
      "SELECT datname FROM pg_database WHERE NOT datistemplate AND datname <> 'postgres' ORDER BY 1",
    )
      .split("\n")
      .filter((d) => d !== "");
    if (!databases.includes(spec.database)) {
      problems.push(
        `DATABASE_NAME is "${spec.database}", but the data volume ${spec.volume} holds ${databases.map((d) => `"${d}"`).join(", ") || "no database"}, not "${spec.database}" (PostgreSQL creates it only on first start). Set DATABASE_NAME back to ${databases.length === 1 ? `"${databases[0]}"` : "the one you use"}, or create it first: docker exec -it ${spec.container} createdb -U ${admin} -O ${spec.user} ${spec.database}`,
      );
    } else {
      const owner = query(
        `SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = ${literal(spec.database)}`,
      );
      // the roles one-shot hands a database that the administrator or initdb's superuser owns to the owner
      if (owner !== spec.user && ![ADMIN_ROLE, BOOTSTRAP_ROLE].includes(owner)) {
        problems.push(
          `DATABASE_USERNAME is "${spec.user}", but the database "${spec.database}" on the data volume ${spec.volume} belongs to the role "${owner}", whose tables the migrations could not change. Set DATABASE_USERNAME back to "${owner}", or give the database to the new role first: docker exec -it ${spec.container} psql -U ${admin} -d ${spec.database} -c 'REASSIGN OWNED BY "${owner}" TO "${spec.user}"'`,
        );
      }
    }
  }
  const imageMajor = majorOfImage(spec.image);
  if (!dataMajor && imageMajor) {
    try {
      dataMajor = execDocker([
        "run",
        "--rm",
        "--network",
        "none",
        "-v",
        `${spec.volume}:/d:ro`,
        "--entrypoint",
        "cat",
        spec.image,
        "/d/PG_VERSION",
      ]);
    } catch {
      dataMajor = undefined; // an empty volume: nothing to compare
    }
  }
  if (dataMajor && imageMajor && dataMajor.trim() !== imageMajor) {
    problems.push(
      `POSTGRES_IMAGE ${spec.image} is PostgreSQL ${imageMajor}, but the data volume ${spec.volume} holds PostgreSQL ${dataMajor.trim()} files, which it cannot read. Keep the image at major version ${dataMajor.trim()}, or upgrade the data first (dump and restore into a new volume).`,
    );
  }
  if (problems.length > 0) {
    throw new CommandFailed(`refused before planning anything:\n  ${problems.join("\n  ")}`, 2);
  }
}
