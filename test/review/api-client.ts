/** Calls the review server's JSON API as the page does: with the access token, a JSON body for POST. */
export function apiClient(srv: { port: number; token: string }) {
  return async function api(p: string, body?: unknown): Promise<{ status: number; json: any }> {
    const r = await fetch(`http://127.0.0.1:${srv.port}${p}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'x-chatarchief-token': srv.token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, json: await r.json() };
  };
}
