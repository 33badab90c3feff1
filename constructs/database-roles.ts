/**
 * The roles one-shot's script (see `PostgresDatabase.passwordSync`), shared by both deploy targets:
 * over the server's unix socket, the socket-only administrator, the owner and the app role with
 * their current passwords (read from files by psql itself), ownership and grants.
 */
import { ADMIN_ROLE, BOOTSTRAP_ROLE } from "./contracts";

export interface DatabaseRolesProps {
  /** The server's unix socket directory. */
  readonly socketDir: string;
  readonly port: number;
  readonly databaseName: string;
  /** The owner of the database (migrations run as it). */
  readonly username: string;
  /** Path of the owner's password file inside the one-shot. */
  readonly passwordFile: string;
  /** The data-access-only role, when there is one. @default none */
  readonly app?: { readonly username: string; readonly passwordFile: string };
}

/** A POSIX shell script; it exits non-zero when any statement fails. */
export function databaseRolesScript(props: DatabaseRolesProps): string {
  const { socketDir, port, databaseName, username, passwordFile } = props;
  const app = props.app;
  const appUsername = app?.username;
  const psql = (user: string) =>
    `psql -v ON_ERROR_STOP=1 -q -h ${socketDir} -p ${port} -U ${user} -d ${databaseName}`;
  return [
    "set -eu",
    // Administration goes through a superuser that can log in only over this socket (TCP logins
    // need a password; it has none): initdb makes it on new volumes (POSTGRES_USER). On volumes of
    // earlier releases, initdb made the owner the superuser; the owner connects once to make it.
    `if ${psql(ADMIN_ROLE)} -tAc 'SELECT 1' >/dev/null 2>&1; then admin=${ADMIN_ROLE}; else admin=${username}; fi`,
    `${psql('"$admin"')} <<'SQL'`,
    `SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${ADMIN_ROLE}') AS missing \\gset`,
    "\\if :missing",
    `CREATE ROLE ${ADMIN_ROLE} SUPERUSER LOGIN;`,
    "\\endif",
    // initdb gave it POSTGRES_PASSWORD: without one, it cannot log in over TCP at all
    `ALTER ROLE ${ADMIN_ROLE} PASSWORD NULL;`,
    "SQL",
    `${psql(ADMIN_ROLE)} -v owner=${username} -v db=${databaseName}${appUsername ? ` -v app=${appUsername}` : ""} <<'SQL'`,
    // PostgreSQL keeps the superuser initdb made a superuser: where that is the owner (volumes of
    // earlier releases), it steps aside under another name, and the owner is made anew and given
    // the database's objects, so that neither the owner nor the app role is a superuser
    `SELECT rolname = :'owner' AS bootstrap FROM pg_roles WHERE oid = 10 \\gset`,
    "\\if :bootstrap",
    `ALTER ROLE :"owner" RENAME TO ${BOOTSTRAP_ROLE};`,
    `ALTER ROLE ${BOOTSTRAP_ROLE} NOLOGIN;`,
    "\\endif",
    // the passwords never reach argv or the environment: psql reads the files itself
    `\\set owner_pw \`cat ${passwordFile}\``,
    `SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner') AS missing \\gset`,
    "\\if :missing",
    `CREATE ROLE :"owner" LOGIN;`,
    "\\endif",
    `ALTER ROLE :"owner" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_pw';`,
    "\\if :bootstrap",
    `SELECT format(CASE c.relkind WHEN 'v' THEN 'ALTER VIEW %I.%I OWNER TO %I' WHEN 'm' THEN 'ALTER MATERIALIZED VIEW %I.%I OWNER TO %I' WHEN 'S' THEN 'ALTER SEQUENCE %I.%I OWNER TO %I' ELSE 'ALTER TABLE %I.%I OWNER TO %I' END, n.nspname, c.relname, :'owner') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND c.relowner = 10 AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')) \\gexec`,
    "\\endif",
    `ALTER DATABASE :"db" OWNER TO :"owner";`,
    `ALTER SCHEMA public OWNER TO :"owner";`,
    `REVOKE CREATE ON SCHEMA public FROM PUBLIC;`,
    ...(app
      ? [
          `\\set app_pw \`cat ${app.passwordFile}\``,
          `SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app') AS missing \\gset`,
          "\\if :missing",
          `CREATE ROLE :"app" LOGIN;`,
          "\\endif",
          `ALTER ROLE :"app" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'app_pw';`,
          `GRANT CONNECT ON DATABASE :"db" TO :"app";`,
          `GRANT USAGE ON SCHEMA public TO :"app";`,
          `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app";`,
          `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app";`,
          `ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";`,
          `ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO :"app";`,
        ]
      : []),
    "SQL",
  ].join("\n");
}
