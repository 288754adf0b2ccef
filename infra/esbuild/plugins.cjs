// esbuild plugins for serverless-esbuild (custom.esbuild.plugins in serverless.yml).
//
// The bundles are ES modules with a `.js` extension. Node (and the Lambda runtime, which follows
// Node's rules) loads a `.js` file as an ES module only when the nearest package.json says
// "type": "module". serverless-esbuild leaves package.json out of the root of each zip, so this
// plugin writes one beside the bundles (handlers/package.json), which does go into every zip.
// Why not `.mjs`: `serverless invoke local` (osls) only looks for `<handler>.js` and `.cjs`.
const { mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const esmPackageMarker = {
  name: 'esm-package-marker',
  setup(build) {
    build.onEnd((result) => {
      const { outdir } = build.initialOptions;
      if (result.errors.length > 0 || !outdir) return;
      mkdirSync(outdir, { recursive: true });
      writeFileSync(path.join(outdir, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
    });
  },
};

module.exports = [esmPackageMarker];
