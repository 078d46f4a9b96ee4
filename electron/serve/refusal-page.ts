import type { IncomingMessage } from 'node:http'

/**
 * The page a browser gets instead of the app when its token is missing or no longer valid: an old tab reloaded
 * after a restart, a bookmark, an address typed without the token. It says what happened and what to do, and
 * holds nothing of the app (no script, no style: the CSP allows neither inline, and no asset is served without
 * the token). Other clients (scripts, the WebSocket upgrade) keep the one-line text answer.
 */
export function wantsHtml(req: IncomingMessage): boolean {
  return req.method === 'GET' && (req.headers.accept ?? '').includes('text/html')
}

export function refusalPage(tokenGiven: boolean): string {
  const what = tokenGiven
    ? '<p>This page carries a token that this server does not accept (now). <code>pinpoint serve</code> makes a ' +
      'new token every time it starts, so a tab or a bookmark from an earlier run stops working once the server ' +
      'is restarted.</p>'
    : '<p>This server answers only pages opened with its token, which this address does not carry.</p>'
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Token not accepted · pinpoint serve</title>
</head>
<body>
<main data-testid="token-refused">
<h1>This address needs the current token</h1>
${what}
<h2>What to do</h2>
<ol>
<li>Open the address that <code>pinpoint serve</code> printed when it started, token included: the line
<code>pinpoint serve: open http://…/?token=…</code> in its terminal or log.</li>
<li>To keep the same address across restarts, start it with <code>pinpoint serve --token-file</code>: the token
is then kept in a file only you can read (in the state folder, or the path you give) and reused on every start.</li>
</ol>
</main>
</body>
</html>
`
}
