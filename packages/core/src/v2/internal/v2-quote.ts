/** A value for a message: JSON-quoted and cut to `max` characters, so a huge value is never echoed whole. */
export function quote(value: unknown, max = 64): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value.length > max ? value.slice(0, max) : value) + (value.length > max ? `…(${value.length} chars)` : '');
  else if (typeof value === 'bigint') text = `${value}n`;
  else if (Array.isArray(value)) text = `an array of ${value.length}`;
  else if (typeof value === 'object' && value !== null) text = 'an object';
  else text = String(value);
  return text.length > max + 24 ? `${text.slice(0, max)}…` : text;
}
