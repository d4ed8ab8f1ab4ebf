#!/usr/bin/env node
// The keyless entry point. `credential-process` is the hot path: every AWS CLI and SDK start
// runs it, so a cache hit is served by a small module before oclif or the AWS SDK load; a miss
// (or any other command) goes through oclif.
const argv = process.argv.slice(2)
if (argv[0] === 'credential-process') {
  const {serveCachedCredentials} = await import('../dist/hot-path/serve-cached-credentials.js')
  if (await serveCachedCredentials(argv.slice(1), process.env)) process.exit(0)
}
const {execute} = await import('@oclif/core')
await execute({dir: import.meta.url})
