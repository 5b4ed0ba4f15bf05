// The Next.js app of test/http/next-interop.test.ts: route handlers only, `output` left at its
// default. The repository is the workspace root (its package-lock.json): `next` resolves from its
// node_modules and `tskrb5` is the repository's own package (a self-reference through
// package.json's "exports", i.e. dist/bundle, bundled by Turbopack as any dependency would be).
// Telemetry is off by NEXT_TELEMETRY_DISABLED=1 in the environment the test gives; no AGENTS.md.
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** @type {import('next').NextConfig} */
export default {
  turbopack: { root },
  outputFileTracingRoot: root,
  agentRules: false,
  experimental: { agentUpgrade: false },
};
