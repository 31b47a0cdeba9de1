import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';

// The board and the customer page load only their own scripts and styles; nobody may frame them.
const helmetHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: true,
    directives: {
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'style-src': ["'self'"],
      'img-src': ["'self'", 'data:'],
      'connect-src': ["'self'"],
      'frame-ancestors': ["'none'"],
      'form-action': ["'self'"],
      // Plain HTTP on a laptop or inside compose must keep working.
      'upgrade-insecure-requests': null,
    },
  },
  frameguard: { action: 'deny' },
});

/** What helmet sets, asked of it once: with no nonce nor per-request directive, its answer never varies. */
function headersHelmetSets(): Array<[string, string]> {
  const headers: Array<[string, string]> = [];
  const recorder = {
    setHeader: (name: string, value: string) => headers.push([name, String(value)]),
    removeHeader: () => {},
  };
  let done = false;
  helmetHeaders({} as Request, recorder as unknown as Response, () => {
    done = true;
  });
  if (!done) throw new Error('helmet did not finish synchronously: its headers cannot be computed once');
  return headers;
}

const HEADERS = headersHelmetSets();

/** Helmet's headers on every answer: one loop instead of a dozen middleware calls per request. */
export function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  for (const [name, value] of HEADERS) res.setHeader(name, value);
  next();
}
