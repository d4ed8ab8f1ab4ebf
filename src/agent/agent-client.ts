import {request} from 'node:http'

export interface AgentAnswer {
  status: number
  body: unknown
}

/** One request to the agent on 127.0.0.1:port (a fresh connection, 5 s at most). */
export function agentRequest(port: number, method: 'GET' | 'POST', path: string, token: string, timeoutMs = 5000): Promise<AgentAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({host: '127.0.0.1', port, method, path, agent: false, timeout: timeoutMs, headers: {authorization: token}}, (res) => {
      let text = ''
      res.setEncoding('utf8').on('data', (d: string) => (text += d))
      res.on('end', () => {
        let body: unknown
        try {
          body = JSON.parse(text)
        } catch {
          body = undefined
        }
        resolve({status: res.statusCode ?? 0, body})
      })
    })
    req.on('timeout', () => req.destroy(new Error('the agent did not answer in time')))
    req.on('error', reject)
    req.end()
  })
}
