import type {IncomingMessage, ServerResponse} from 'node:http'
import {randomUUID} from 'node:crypto'

/** The STS awsQuery XML namespace. */
export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/'
/** The IAM awsQuery XML namespace. */
export const IAM_NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/'

/** Response helpers for the three wire protocols the emulator speaks. */
export const wire = {
  async readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks).toString('utf8')
  },

  json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = body === undefined ? '' : JSON.stringify(body)
    res.writeHead(status, {
      'content-type': 'application/json',
      'x-amzn-requestid': randomUUID(),
      'content-length': String(Buffer.byteLength(text)),
      ...headers,
    })
    res.end(text)
  },

  /** An SSO OIDC error: the SDK names it from `x-amzn-ErrorType`; the body is OAuth style. */
  oidcError(res: ServerResponse, status: number, name: string, error: string, description: string, extra: Record<string, string> = {}): void {
    wire.json(res, status, {error, error_description: description, ...extra}, {'x-amzn-errortype': name})
  },

  /** An SSO portal error: `x-amzn-ErrorType` plus `{message}`. */
  portalError(res: ServerResponse, status: number, name: string, message: string): void {
    wire.json(res, status, {message}, {'x-amzn-errortype': name})
  },

  xml(res: ServerResponse, status: number, text: string): void {
    res.writeHead(status, {
      'content-type': 'text/xml',
      'x-amzn-requestid': randomUUID(),
      'content-length': String(Buffer.byteLength(text)),
    })
    res.end(text)
  },

  /** An awsQuery result document (STS by default; IAM with IAM_NAMESPACE): `<{Action}Response><{Action}Result>…`. */
  stsResult(res: ServerResponse, action: string, resultXml: string, namespace = STS_NAMESPACE): void {
    const requestId = randomUUID()
    wire.xml(res, 200,
      `<${action}Response xmlns="${namespace}">\n  <${action}Result>\n${resultXml}  </${action}Result>\n` +
      `  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n</${action}Response>\n`)
  },

  /** An awsQuery `<ErrorResponse>` document. */
  stsError(res: ServerResponse, status: number, code: string, message: string, type: 'Sender' | 'Receiver' = 'Sender', namespace = STS_NAMESPACE): void {
    wire.xml(res, status,
      `<ErrorResponse xmlns="${namespace}">\n  <Error>\n    <Type>${type}</Type>\n    <Code>${escapeXml(code)}</Code>\n` +
      `    <Message>${escapeXml(message)}</Message>\n  </Error>\n  <RequestId>${randomUUID()}</RequestId>\n</ErrorResponse>\n`)
  },

  text(res: ServerResponse, status: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
    res.writeHead(status, {'content-type': contentType, 'content-length': String(Buffer.byteLength(text))})
    res.end(text)
  },

  redirect(res: ServerResponse, location: string): void {
    res.writeHead(302, {location, 'content-length': '0'})
    res.end()
  },
}

export function escapeXml(value: string): string {
  return value.replace(/[<>&'"]/g, (c) => ({'<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;'})[c] as string)
}
