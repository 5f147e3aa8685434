/**
 * Whether a registry answers its API base (GET /v2/), with Node's own http(s) client: launches call
 * it for the registry mirror, and a second HTTP stack would cost each of them start-up time.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** Resolves to undefined when the registry answers 200 or 401 (it wants a token), else to why not. */
export function registryProblem(baseUrl: string, timeoutMs: number): Promise<string | undefined> {
  const url = new URL('/v2/', baseUrl);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', timeout: timeoutMs, agent: false }, (response) => {
      response.resume();
      const status = response.statusCode ?? 0;
      resolve(status === 200 || status === 401 ? undefined : `GET /v2/ answered ${status}`);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error) => resolve(error.message));
    req.end();
  });
}
