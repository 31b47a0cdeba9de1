import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

// Once, before any schema is built: schemas import `z` from here, so `.openapi()` exists.
extendZodWithOpenApi(z);

export { z };
