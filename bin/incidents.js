#!/usr/bin/env node
// The CLI runs from TypeScript sources through tsx so a fresh clone needs no build step.
import { register } from 'tsx/esm/api';

// The CLI runs on the machine's Node 20; Lambda runs nodejs22.x. The SDK's notice about its future
// Node 22 requirement is for maintainers (see README), not for every command's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
