// Building blocks of the API contract: every operation's input and output schema is written once, in
// server/api/contract/*.ts, and read by its tRPC procedure, its generated REST route and OpenAPI
// entry (server/rest), and the CLI command that has flags for it.
import { z } from "zod";

export const id = z.number().int().positive();
/** A moment: a Date inside the server, an ISO 8601 string on the wire (REST), a Date again over tRPC (superjson). */
export const moment = z.union([z.date(), z.string()]);
export const nullableMoment = moment.nullable();

/** Objects in outputs keep fields they do not name (a service may add one without breaking callers). */
export const out = <T extends z.ZodRawShape>(shape: T) => z.looseObject(shape);
