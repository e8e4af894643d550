import { fileURLToPath } from 'node:url';

/** The repository's manifests/: what development, the demo and the CLI render from. */
export const sourceManifestsDir = fileURLToPath(new URL('../../../manifests', import.meta.url));
