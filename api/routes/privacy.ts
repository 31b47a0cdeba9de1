import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { answerCodecRequest, UnknownCodecKey } from '../../codec';
import { TamperedData } from '../../keys';
import { orderAccess, staffAccess } from '../auth';
import { problemType, sendProblem } from '../problem';
import { defineRoute } from '../routing';
import { OrderIdParams } from '../schemas';
import { erasePersonalData } from '../useCases/erasePersonalData';
import { z } from '../zod';
import { jsonResponse, problemResponse, type RouteContext } from './context';

const ErasureAnswer = z
  .object({
    orderId: z.string(),
    erased: z.literal(true),
    alreadyErased: z.boolean().openapi({ description: 'true when an earlier request had erased it' }),
  })
  .openapi('ErasureAnswer');

const CodecPayload = z
  .object({
    metadata: z.record(z.string(), z.string()).nullish().openapi({ description: 'values in base64' }),
    data: z.string().nullish().openapi({ description: 'base64' }),
  })
  .openapi('CodecPayload');
// Protobuf JSON leaves empty lists out: `{}` is a request with no payloads (the CLI sends it).
const CodecPayloads = z.object({ payloads: z.array(CodecPayload).default([]) }).openapi('CodecPayloads');

const CODEC_PATHS = ['/codec/encode', '/codec/decode'] as const;

/**
 * Erasure ("forget me") and Temporal's codec server protocol, so the Web UI (and
 * `temporal workflow show --codec-endpoint`) shows decoded payloads to those allowed to see them.
 */
export function privacyRoutes({ router, registry, ports, config, logger }: RouteContext) {
  const tags = ['privacy'];

  defineRoute(
    router,
    registry,
    {
      method: 'delete',
      path: '/orders/{id}/personal-data',
      operationId: 'erasePersonalData',
      summary:
        "Forget the customer: destroys the order's vault key (name, card token, own words); events and amounts remain",
      tags,
      // The customer ("forget me", with the order's token) or a manager.
      access: orderAccess(['manager']),
      params: OrderIdParams,
      responses: {
        200: jsonResponse(ErasureAnswer, 'erased (now or before: erasing twice is a no-op)'),
        404: problemResponse('no such order'),
      },
    },
    async ({ params }) => ({ status: 200, body: await erasePersonalData(ports, params.id) }),
  );

  // The Web UI calls from its own origin: CORS for it (preflight included), credentials allowed so
  // it can forward its access token. Bodies are larger than an order's, read after the guard.
  const cors = webUiCors(config.temporalUiUrl);
  const readBody = express.json({ limit: config.codecMaxBodyBytes, type: () => true });
  for (const path of CODEC_PATHS) {
    router.options(path, cors);
    router.post(path, cors);
    const operation = path === '/codec/encode' ? 'encode' : 'decode';
    defineRoute(
      router,
      registry,
      {
        method: 'post',
        path,
        operationId: `codec${operation === 'encode' ? 'Encode' : 'Decode'}`,
        summary: `Temporal codec server: ${operation} payloads (header X-Namespace; the Web UI's --ui-codec-endpoint)`,
        tags,
        // Decoded payloads are for operators; on `npm start`'s machine the local Web UI needs no token.
        access: staffAccess(['manager'], { loopbackWithoutToken: config.codecLoopbackWithoutToken }),
        body: CodecPayloads,
        bodyOptional: true,
        readBody,
        responses: {
          200: jsonResponse(CodecPayloads, `the payloads, ${operation}d`),
          403: problemResponse('not allowed to decode'),
          422: problemResponse('a payload does not decode: sealed under an unknown key, or tampered with'),
        },
      },
      async ({ body }, req, res) => {
        try {
          return { status: 200, body: await answerCodecRequest(ports.codec, operation, body) };
        } catch (error) {
          if (!(error instanceof TamperedData || error instanceof UnknownCodecKey)) throw error;
          logger.warn({ err: error, namespace: req.get('x-namespace') }, 'codec server: payload refused');
          sendProblem(res, {
            type: problemType('payload-undecodable'),
            title: 'A payload does not decode',
            status: 422,
            detail: error.message,
          });
          return undefined;
        }
      },
    );
  }
}

/** The Web UI's origin (and its loopback twin, localhost ⇄ 127.0.0.1) may call the codec server. */
function webUiCors(temporalUiUrl: string): RequestHandler {
  const origin = new URL(temporalUiUrl).origin;
  const twin = origin.includes('//127.0.0.1')
    ? origin.replace('//127.0.0.1', '//localhost')
    : origin.replace('//localhost', '//127.0.0.1');
  const allowed = new Set([origin, twin]);
  return (req: Request, res: Response, next: NextFunction) => {
    const from = req.get('origin');
    if (from && allowed.has(from)) {
      res.setHeader('Access-Control-Allow-Origin', from);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
      res.setHeader('Access-Control-Max-Age', '600');
    }
    res.vary('Origin');
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  };
}
