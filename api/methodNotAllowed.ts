import type { Request, Response, Router } from 'express';
import { problemType, sendProblem } from './problem';

type Method = 'get' | 'post' | 'delete';

/** The methods each documented path answers, in the order the paths were defined. */
const methodsByRouter = new WeakMap<Router, Map<string, Set<string>>>();

/** Remembers that `path` (Express style) answers `method`; `defineRoute` calls it for every route. */
export function recordMethod(router: Router, path: string, method: Method | 'options'): void {
  let paths = methodsByRouter.get(router);
  if (!paths) {
    paths = new Map();
    methodsByRouter.set(router, paths);
  }
  const methods = paths.get(path) ?? new Set<string>();
  methods.add(method.toUpperCase());
  if (method === 'get') methods.add('HEAD');
  paths.set(path, methods);
}

/**
 * After every route: a method a path does not have answers 405 with `Allow` (RFC 9110), not 404,
 * and OPTIONS answers 204 with the same `Allow` (a CORS preflight was answered before this).
 */
export function answerOtherMethods(router: Router): void {
  for (const [path, methods] of methodsByRouter.get(router) ?? []) {
    const allow = [...methods, ...(methods.has('OPTIONS') ? [] : ['OPTIONS'])].join(', ');
    router.all(path, (req: Request, res: Response) => {
      res.setHeader('Allow', allow);
      if (req.method === 'OPTIONS') {
        res.status(204).end();
        return;
      }
      sendProblem(res, {
        type: problemType('method-not-allowed'),
        title: 'Method not allowed',
        status: 405,
        detail: `${req.method} is not a method of ${req.path}; it answers ${allow}`,
      });
    });
  }
}
