// Bundles the GitHub Action entry points and the CLI into self-contained files under dist/
// (committed, so `uses: nestybox/secure-dind@v1` needs no install step), plus the library.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  legalComments: 'none',
  // Smaller bundles parse faster: every job pays the Action's start-up twice (main and post).
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
  logLevel: 'warning',
  // ESM bundles of CommonJS dependencies need a real `require`, `__dirname` and `__filename`.
  banner: {
    js: [
      "import { createRequire as __sdCreateRequire } from 'node:module';",
      "import { fileURLToPath as __sdFileURLToPath } from 'node:url';",
      "import { dirname as __sdDirname } from 'node:path';",
      'const require = __sdCreateRequire(import.meta.url);',
      'const __filename = __sdFileURLToPath(import.meta.url);',
      'const __dirname = __sdDirname(__filename);',
    ].join(' '),
  },
  // Optional native add-ons of ssh2 (used by dockerode only for ssh:// hosts).
  external: ['cpu-features', './crypto/build/Release/sshcrypto.node'],
};

/**
 * Code our entry points can never reach, replaced by a stub that throws if it ever is: dockerode's
 * ssh:// transport (the config parser refuses ssh:// engine hosts) and BuildKit session support
 * (gRPC, protobuf), and @actions/core's OIDC client (getIDToken is not used). Loading them cost
 * every Action step tens of MiB of memory and start-up time for nothing.
 */
const UNREACHABLE = /^(ssh2|@grpc\/grpc-js|@grpc\/proto-loader|protobufjs|@actions\/http-client)(\/.*)?$/;
const unreachable = {
  name: 'unreachable-features',
  setup(build) {
    build.onResolve({ filter: UNREACHABLE }, (args) => ({ path: args.path, namespace: 'unreachable' }));
    build.onLoad({ filter: /.*/, namespace: 'unreachable' }, (args) => ({
      contents: [
        `const fail = () => { throw new Error(${JSON.stringify(`${args.path} is not part of the secure-dind bundle`)}); };`,
        "module.exports = new Proxy(fail, { get: (_target, key) => (key === '__esModule' ? false : fail) });",
      ].join('\n'),
      loader: 'js',
    }));
  },
};

const outdir = process.env.SECURE_DIND_BUILD_OUTDIR ?? 'dist';
await rm(outdir, { recursive: true, force: true });
await build({
  ...common,
  entryPoints: {
    main: 'src/github/entry-main.ts',
    post: 'src/github/entry-post.ts',
    cli: 'src/cli/main.ts',
    'lib/index': 'src/index.ts',
  },
  outdir,
  splitting: false,
  plugins: [unreachable],
});

// Type declarations for the library API (package.json "types").
// Into the chosen outdir too, so a build elsewhere (tests build a bundle in a temporary
// directory) leaves the committed dist/ alone.
execFileSync(
  process.execPath,
  ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', `${outdir}/types`],
  {
    stdio: 'inherit',
  },
);
