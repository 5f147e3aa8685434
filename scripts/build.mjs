// Bundles the GitHub Action entry points and the CLI into self-contained files under dist/
// (committed, so `uses: nestybox/secure-dind@v1` needs no install step), plus the library.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  legalComments: 'none',
  logLevel: 'warning',
  // ESM bundles of CommonJS dependencies need a real `require`.
  banner: {
    js: "import { createRequire as __secureDindCreateRequire } from 'node:module'; const require = __secureDindCreateRequire(import.meta.url);",
  },
  // Optional native add-ons of ssh2 (used by dockerode only for ssh:// hosts).
  external: ['cpu-features', './crypto/build/Release/sshcrypto.node'],
};

await rm('dist', { recursive: true, force: true });
await build({
  ...common,
  entryPoints: {
    main: 'src/github/main.ts',
    post: 'src/github/post.ts',
    cli: 'src/cli/main.ts',
    'lib/index': 'src/index.ts',
  },
  outdir: 'dist',
  splitting: false,
});
