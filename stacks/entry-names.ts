/**
 * Docker names shared by the entry point's stack and the environments' stacks, which refer to each
 * other by name only (never by resource), so that either can be deployed or destroyed on its own.
 */
import { ENTRY_NAME } from "../config/entry-config";

/** The stack id of the shared entry point (its output folder, state and lock are named so too). */
export const ENTRY_STACK = ENTRY_NAME;

/** The shared entry point's container, and the network the shared environments' proxies join. */
export function entryNames(projectName: string): { readonly container: string; readonly network: string } {
  return { container: `${projectName}-${ENTRY_NAME}`, network: `${projectName}-${ENTRY_NAME}` };
}

/** An environment's proxy (`DjangoStack`'s): what the entry point hands its host's requests to. */
export function environmentProxy(namePrefix: string): string {
  return `${namePrefix}-proxy`;
}
