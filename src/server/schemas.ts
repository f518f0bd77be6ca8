import { Type } from 'typebox';

/** `{"error":{"code","message","details"}}`: the shape of every 4xx/5xx unless a seed shows another. */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable machine-readable code, e.g. CONNECTION_NOT_FOUND.' }),
      message: Type.String({ description: 'What went wrong and what to do about it.' }),
      details: Type.Array(Type.Object({ field: Type.Optional(Type.String()), message: Type.String() }, { additionalProperties: true })),
    }),
  },
  { $id: 'ErrorResponse', description: 'An error.' },
);
