// The lane's "browser" (BROWSER=approve.cmd): loads the sign-in URL as a person approving the
// device code would (the emulator approves on that GET), following redirects on 127.0.0.1 only.
// node:http, not fetch: under wine 8.0 fetch (undici) did not complete.
import http from 'node:http'

function load(url, hops) {
  if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(url ?? '') || hops > 5) process.exit(2)
  http
    .get(url, (res) => {
      res.resume()
      process.stderr.write(`approve: HTTP ${res.statusCode}\n`)
      if (res.statusCode >= 300 && res.statusCode < 400 && res.headers.location) load(new URL(res.headers.location, url).href, hops + 1)
      else res.on('end', () => process.exit(res.statusCode < 400 ? 0 : 1))
    })
    .on('error', (error) => {
      process.stderr.write(`approve: ${error.message}\n`)
      process.exit(1)
    })
}
load(process.argv[2], 0)
