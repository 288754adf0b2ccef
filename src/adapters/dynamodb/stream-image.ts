import type { AttributeValue } from 'aws-lambda';

/**
 * The envelope layer of a DynamoDB stream record: an image in Lambda's JSON form → a plain item.
 * Lambda delivers binary values as base64 text, unlike the SDK's Uint8Array, so the SDK's
 * `unmarshall` does not apply; the item is then parsed like any item read from the table.
 */
export function imageToItem(image: Readonly<Record<string, AttributeValue>>): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(image)) item[name] = fromAttribute(value);
  return item;
}

function fromAttribute(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.M !== undefined) return imageToItem(value.M);
  if (value.L !== undefined) return value.L.map(fromAttribute);
  if (value.B !== undefined) return Buffer.from(value.B, 'base64');
  if (value.SS !== undefined) return [...value.SS];
  if (value.NS !== undefined) return value.NS.map(Number);
  if (value.BS !== undefined) return value.BS.map((text) => Buffer.from(text, 'base64'));
  return undefined;
}
