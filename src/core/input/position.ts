import type { InputPosition } from '../signals/types.ts';

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

/**
 * Renders a position for people: `Records[3].eventTime`, `line 12`, `[0].detail.status`.
 * The NDJSON marker `["line", n]` reads as `line n`; an empty position (the whole input) as ``.
 */
export function formatPosition(position: InputPosition): string {
  let text = '';
  position.forEach((segment, index) => {
    if (typeof segment === 'number') {
      text += position[index - 1] === 'line' && index === 1 ? ` ${segment}` : `[${segment}]`;
    } else if (IDENTIFIER.test(segment)) {
      text += text.length === 0 ? segment : `.${segment}`;
    } else {
      text += `[${JSON.stringify(segment)}]`;
    }
  });
  return text;
}
