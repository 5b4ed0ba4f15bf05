/**
 * The negState values of NegTokenResp (RFC 4178 §4.2.2), names verbatim.
 *
 * @example
 * ```ts
 * if (resp.negState === NegState['accept-completed']) done()
 * ```
 */
export const NegState = {
  'accept-completed': 0,
  'accept-incomplete': 1,
  reject: 2,
  'request-mic': 3,
} as const;
export type NegState = (typeof NegState)[keyof typeof NegState];
