// Bundles the GitHub Action's steps and the CLI into self-contained files under dist/ (committed,
// so `uses: nestybox/secure-dind@v1` needs no install step), with the licenses of the third-party
// code they carry; builds the library, whose dependencies are installed with it.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';

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

/**
 * undici as an ES module with its exports named. With code splitting, esbuild gives a dynamically
 * imported CommonJS module's chunk a default export only (evanw/esbuild#3245), and `import('undici')`
 * would find no Agent there; the names come from the installed package.
 */
const undiciNamedExports = {
  name: 'undici-named-exports',
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, (args) =>
      args.namespace === 'undici-named-exports'
        ? undefined
        : { path: 'undici', namespace: 'undici-named-exports' },
    );
    build.onLoad({ filter: /.*/, namespace: 'undici-named-exports' }, () => {
      const names = Object.keys(createRequire(import.meta.url)('undici')).filter((name) =>
        /^[A-Za-z_$][\w$]*$/.test(name),
      );
      return {
        contents: `import undici from 'undici';\nexport const { ${names.join(', ')} } = undici;\nexport default undici;`,
        resolveDir: process.cwd(),
        loader: 'js',
      };
    });
  },
};

// Each Action step is a bundle of its own. undici, which main needs only to download Sysbox (a
// dynamic import), is a chunk that main loads only then.
const actionSteps = await Promise.all(
  Object.entries({ main: 'src/github/entry-main.ts', post: 'src/github/entry-post.ts' }).map(
    ([name, entry]) =>
      build({
        ...common,
        entryPoints: { [name]: entry },
        outdir,
        splitting: true,
        chunkNames: 'chunks/[name]-[hash]',
        metafile: true,
        plugins: [unreachable, undiciNamedExports],
      }),
  ),
);

// One file: the sidecar image and containerised runners copy dist/cli.js alone.
const cli = await build({
  ...common,
  entryPoints: { cli: 'src/cli/main.ts' },
  outdir,
  metafile: true,
  plugins: [unreachable],
});

// The library's dependencies are package.json dependencies: npm installs them with it.
await build({ ...common, entryPoints: { 'lib/index': 'src/index.ts' }, outdir, packages: 'external' });

await writeFile(
  join(outdir, 'licenses.txt'),
  await thirdPartyLicenses([...actionSteps, cli].map((bundle) => bundle.metafile)),
);

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

/**
 * The license texts of the packages whose code the bundles carry, found through the bundles'
 * inputs (the stubbed-out packages are not among them).
 */
async function thirdPartyLicenses(metafiles) {
  const packageDirs = new Set();
  for (const input of metafiles.flatMap((metafile) => Object.keys(metafile.inputs))) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) packageDirs.add(match[1]);
  }
  const sections = [];
  for (const dir of packageDirs) {
    const { name, version, license } = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    const licenseFile = (await readdir(dir)).find((file) => /^(licen[cs]e|copying)(\W|$)/i.test(file));
    const text = licenseFile
      ? (await readFile(join(dir, licenseFile), 'utf8')).trim()
      : `The package has no license file; its package.json names the license ${JSON.stringify(license)}.`;
    sections.push({
      title: `${name} ${version} (${typeof license === 'string' ? license : license?.type})`,
      text,
    });
  }
  // One section per package and version, in name order, so that rebuilds give the same file.
  const unique = [...new Map(sections.map((section) => [section.title, section])).values()];
  unique.sort((a, b) => a.title.localeCompare(b.title));
  const rule = '-'.repeat(80);
  return [
    'Third-party software bundled in dist/main.js, dist/post.js, dist/chunks/ and dist/cli.js:',
    '',
    ...unique.flatMap(({ title, text }) => [rule, title, '', text, '']),
  ].join('\n');
}
