/**
 * DEPLOY_TARGET and the settings only a Docker Swarm target reads, validated with the rest of an
 * environment's settings: the same settings deploy on both targets; what a swarm cannot do is
 * refused here with the fix, and what it does differently is a warning.
 */
import { Reader } from "./reader";
import { AppSettings, ProxySettings, SwarmSettings } from "./types";

/** A node label key as `docker node update --label-add` takes it. */
const LABEL_KEY = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98}[A-Za-z0-9])?$/;
const SWARM_ONLY = ["APP_REPLICAS", "SWARM_PUBLISH_MODE", "SWARM_DATABASE_LABEL"];

export interface SwarmReading {
  /** Present when DEPLOY_TARGET=swarm. */
  readonly swarm?: SwarmSettings;
  /** The app's settings as the target runs them (uploads are off on a swarm). */
  readonly app: AppSettings;
}

/** Reads DEPLOY_TARGET and, for a swarm, its settings; checks the rest of the environment against it. */
export function readSwarm(
  r: Reader,
  environment: string,
  app: AppSettings,
  proxy: ProxySettings,
): SwarmReading {
  const where = `for environment "${environment}"`;
  const target = r.string("DEPLOY_TARGET", (v) =>
    ["engine", "swarm"].includes(v) ? undefined : "must be engine or swarm",
  );
  if (target !== "swarm") {
    for (const name of SWARM_ONLY) {
      if (r.raw(name))
        r.warnings.push(`${name} has no effect ${where}: it applies to DEPLOY_TARGET=swarm only`);
    }
    return { app };
  }
  const replicas = r.int("APP_REPLICAS");
  const publishMode = r.string("SWARM_PUBLISH_MODE", (v) =>
    ["host", "ingress"].includes(v) ? undefined : "must be host or ingress",
  ) as SwarmSettings["publishMode"];
  const databaseLabel = r.string("SWARM_DATABASE_LABEL", (v) =>
    LABEL_KEY.test(v)
      ? undefined
      : "must be a node label key: letters, digits, '.', '_' and '-', at most 100 characters",
  );
  if (proxy.entryPoint === "shared") {
    r.errors.push(
      `ENTRY_POINT=shared is not supported with DEPLOY_TARGET=swarm ${where}: the shared entry point is a container on one engine; set ENTRY_POINT=own (the environment's proxy publishes its own ports)`,
    );
  }
  let mediaUrl = app.mediaUrl;
  if (mediaUrl) {
    const given = r.raw("DJANGO_MEDIA_URL");
    if (given) {
      r.fail(
        "DJANGO_MEDIA_URL",
        given,
        "is not supported with DEPLOY_TARGET=swarm (uploads need a volume every replica and the proxy share, which a local volume is not across nodes); set DJANGO_MEDIA_URL=off and keep uploads in object storage",
      );
    } else {
      r.warnings.push(
        `uploads (DJANGO_MEDIA_URL) are off ${where}: DEPLOY_TARGET=swarm has no volume that every replica shares; keep uploads in object storage, or set DJANGO_MEDIA_URL=off to silence this`,
      );
    }
    mediaUrl = undefined;
  }
  const everywhere = app.bindAddress === "0.0.0.0" || app.bindAddress === "::";
  if (proxy.enabled && proxy.entryPoint === "own" && !everywhere) {
    r.warnings.push(
      `APP_BIND_ADDRESS=${app.bindAddress} is not applied ${where}: a swarm publishes the proxy's ports on every interface of its node${publishMode === "ingress" ? "s" : ""} (it has no host address to bind); keep them from the outside with the host's firewall, or set APP_BIND_ADDRESS=0.0.0.0 to silence this`,
    );
  }
  return { swarm: { replicas, publishMode, databaseLabel }, app: { ...app, mediaUrl } };
}
