import { failure, type Outcome, success } from './outcome.ts';

// fatal: a malformed byte sequence is an error, not a silent U+FFFD that would change the digest.
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

export function decodeUtf8(bytes: Uint8Array): Outcome<string> {
  try {
    return success(strictDecoder.decode(bytes));
  } catch {
    return failure('input is not valid UTF-8');
  }
}
