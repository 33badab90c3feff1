/** The docker provider the stacks require (no imports: the CLI reads it at start-up). */
export const DOCKER_PROVIDER = { namespace: "kreuzwerker", type: "docker", version: "4.5.0" } as const;
